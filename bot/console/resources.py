"""Resources: the numbers and how fresh each is; "verified today" for staff, editing for admins."""
from __future__ import annotations

import json
import logging
from datetime import date, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import DataError as UnstorableValue, SQLAlchemyError

from ..review import proposal as proposals, readable, reply_checks
from ..table.changes import in_words, with_entry
from ..table.files import docs_from_table
from ..store import StaleTable, get_store
from ..store.tables import load_docs
from ..table.model import TIMEZONE, Table
from ..table.load import DataError, build_table
from .auth import admin_required

bp = Blueprint("resources", __name__, url_prefix="/resources")
FIELDS = ("phone", "text", "hours", "organization")
log = logging.getLogger(__name__)


@bp.get("/")
def index():
    """Every resource, the never or long-ago verified first."""
    table = _table()
    today, days = _today(), current_app.config["VERIFY_DAYS"]
    rows = sorted(table.resources.values(), key=lambda r: r.last_verified or date.min)
    stale = {f.subject.split(" ", 1)[1] for f in reply_checks.unverified(table, today, days)}  # never 911
    rows = sorted(rows, key=lambda r: (r.key not in stale, r.last_verified or date.min))
    return render_template("console/resources.html", rows=rows, stale=stale, days=days, form=FlaskForm(),
                           language=table.default_language)


@bp.post("/<key>/verified")
def verified(key: str):
    """Mark a resource's number as confirmed today by the signed-in staff member."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    snapshot = get_store().snapshot()
    entry = _entry(snapshot.table, key)
    entry.update(last_verified=_today(), verified_by=current_user.email)
    docs = with_entry(docs_from_table(snapshot.table), "resources.yaml", key, entry)
    proposal = proposals.propose(snapshot.table, docs, snapshot.understander.model)
    if proposal.table is None:
        flash("The live table fails its checks, so nothing was saved: " + "; ".join(proposal.problems))
        return redirect(url_for("console.resources.index"))
    if save_proposal(proposal, snapshot.table, snapshot.version, "verify"):
        flash(f"{entry['name'][snapshot.table.default_language]} marked as verified today.")
    return redirect(url_for("console.resources.index"))


@bp.route("/<key>/edit", methods=["GET", "POST"])
@admin_required
def edit(key: str):
    """A form for one resource; its changes are previewed before they are saved."""
    snapshot = get_store().snapshot()
    entry = _entry(snapshot.table, key)
    form = FlaskForm()
    if form.validate_on_submit():
        for lang in snapshot.table.languages:
            entry["name"][lang] = request.form.get(f"name_{lang}", "").strip()
            entry["description"][lang] = request.form.get(f"description_{lang}", "").strip()
        for field in FIELDS:
            entry[field] = request.form.get(field, "").strip() or None
        entry["languages"] = [x.strip() for x in request.form.get("languages", "").split(",") if x.strip()]
        docs = with_entry(docs_from_table(snapshot.table), "resources.yaml", key, entry)
        return review(snapshot.table, snapshot.version, docs, f"resource {key}")
    return render_template("console/resource_edit.html", form=form, entry=entry, key=key,
                           languages=snapshot.table.languages, organizations=snapshot.table.organizations)


def review(current: Table, version: int | None, docs: dict, what: str):
    """The preview of a change: its problems, or the entries and replies it changes, and a Save button
    that posts only the changed files and the version they change."""
    proposal = proposals.propose(current, docs, get_store().snapshot().understander.model)
    before = docs_from_table(current)
    payload = json.dumps({name: doc for name, doc in docs.items() if doc != before.get(name)}, default=str)
    language = current.default_language
    fields = [readable.entry_changes(c.target, c.old, c.new, language) for c in proposal.entries]
    replies = [readable.marked(c.before, c.after, words=True) for c in proposal.replies]
    return render_template("console/review.html", proposal=proposal, what=what, payload=payload,
                           version=version, form=FlaskForm(), fields=fields, replies=replies,
                           diff=readable.unified), 200 if proposal.table is not None else 422


@bp.post("/save")
@admin_required
def save():
    """Save a reviewed change in one transaction, with its audit entries; refuse if the table moved on."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    version, changed, what = base_version(request.form.get("version", "")), _payload(), request.form.get("what", "")[:200]
    snapshot = get_store().snapshot()
    base = _base_docs(version, snapshot)
    docs = {**base, **{name: doc for name, doc in changed.items() if name in base}}
    current = build_table(base) if version != snapshot.version else snapshot.table
    proposal = proposals.propose(current, docs, snapshot.understander.model)
    if proposal.table is None:
        return review(current, version, docs, what)
    if save_proposal(proposal, None, version, f"edit {what}"[:40]):
        flash(f"Saved: {len(proposal.entries)} change(s). Every instance uses them within seconds.")
    return redirect(url_for("console.resources.index"))


def save_proposal(proposal, base: Table | None, version: int | None, action: str, note: str = "") -> bool:
    """Write a checked proposal over ``version`` only; say why not (and what changed meanwhile) if refused."""
    try:
        get_store().replace_table(proposal.table, who=current_user.email, changes=proposal.entries, action=action,
                                  expected_version=version, base=base, note=note or in_words(list(proposal.entries)))
    except StaleTable as exc:
        changed = ", ".join(c.target for c in exc.changes) or "the table"
        flash(f"Someone else changed the table meanwhile (or this instance still had the table from data/): "
              f"nothing was saved. Changed meanwhile: {changed}. Please make your change again.")
        return False
    except DataError as exc:
        flash(f"The change was refused, nothing was saved: {exc}")
        return False
    except UnstorableValue:  # the checks missed a bound of the database's: refused, never "unavailable"
        log.exception("a checked table change did not fit the database")
        abort(422, "The change was refused, nothing was saved: a value is too long or too large to store.")
    except SQLAlchemyError:
        flash("The database is unavailable: nothing was saved.")
        return False
    return True


def base_version(value: str) -> int | None:
    """The table version a form was based on ("" for the table from data/); 400 when it is not a number."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        abort(400, "version must be a whole number")
    return int(value)


def _base_docs(version: int | None, snapshot) -> dict:
    """The documents of the version a change was made to (the snapshot's own when it came from data/);
    400 when the database has no such version."""
    if version is None or version == snapshot.version:
        return docs_from_table(snapshot.table)
    try:
        with get_store().session() as session:
            return load_docs(session, version)
    except KeyError:
        abort(400, f"there is no table version {version}")


def _payload() -> dict:
    """The reviewed (changed) documents of the form; 400 when they are not a JSON object."""
    try:
        docs = json.loads(request.form.get("payload", ""))
    except ValueError:
        abort(400, "payload is not JSON")
    if not isinstance(docs, dict):
        abort(400, "payload is not a JSON object")
    return docs


def _entry(table: Table, key: str) -> dict:
    """The resource ``key`` as an entry of resources.yaml (404 if there is none)."""
    entry = next((e for e in docs_from_table(table)["resources.yaml"] if e["key"] == key), None)
    if entry is None:
        abort(404)
    return entry


def _table() -> Table:
    """The live table (503 when there is none at all)."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        abort(503)
    return snapshot.table


def _today() -> date:
    """Today in San Joaquin County."""
    return datetime.now(TIMEZONE).date()
