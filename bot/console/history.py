"""The table's history: every version, what restoring one would change, and (admins) restoring it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError

from ..review import proposal as proposals, readable
from ..store import get_store
from ..store.tables import load_docs, versions
from ..table.changes import in_words
from .auth import admin_required
from .resources import base_version, save_proposal

bp = Blueprint("history", __name__, url_prefix="/history")
PAGE = 100


@bp.get("/")
def index():
    """The versions, newest first: number, when, who, what and the change in words."""
    try:
        with get_store().session() as session:
            rows = versions(session, PAGE)
    except SQLAlchemyError:
        abort(503)
    return render_template("console/history.html", rows=rows)


@bp.get("/<int:number>")
def show(number: int):
    """What making version ``number`` live again would change, with a Restore button for admins."""
    snapshot, proposal = _proposal(number)
    language = snapshot.table.default_language
    fields = [readable.entry_changes(c.target, c.old, c.new, language) for c in proposal.entries]
    replies = [readable.marked(c.before, c.after, words=True) for c in proposal.replies]
    return render_template("console/history_version.html", number=number, proposal=proposal, fields=fields,
                           replies=replies, diff=readable.unified, version=snapshot.version, form=FlaskForm())


@bp.post("/<int:number>/restore")
@admin_required
def restore(number: int):
    """Make version ``number`` live again as a new version, over the version the admin previewed."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    base = base_version(request.form.get("version", ""))
    snapshot, proposal = _proposal(number)
    if proposal.table is None:
        flash(f"Version {number} fails today's checks, so it cannot be restored: " + "; ".join(proposal.problems))
        return redirect(url_for("console.history.show", number=number))
    if save_proposal(proposal, snapshot.table, base, "rollback", f"back to version {number}: {in_words(list(proposal.entries))}"):
        flash(f"Version {number} is live again, as a new version. Every instance uses it within seconds.")
    return redirect(url_for("console.history.index"))


def _proposal(number: int):
    """The live snapshot, and version ``number`` proposed over it (404 when there is no such version)."""
    store = get_store()
    snapshot = store.snapshot()
    try:
        with store.session() as session:
            docs = load_docs(session, number)
    except KeyError:
        abort(404)
    except SQLAlchemyError:
        abort(503)
    return snapshot, proposals.propose(snapshot.table, docs, snapshot.understander.model)
