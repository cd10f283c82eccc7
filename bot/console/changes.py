"""Admins edit any part of the table as its data/ file (YAML); everyone reads the audit log."""
from __future__ import annotations

import yaml
from flask import Blueprint, abort, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..review import readable
from ..table.changes import dump
from ..table.files import TooLarge, docs_from_table, examples_text, max_bytes, parse_yaml
from ..store import get_store
from ..store.models import AuditEntry
from ..table.load import ALL_FILES as FILES
from .auth import admin_required
from .resources import review

bp = Blueprint("changes", __name__)
AUDIT_PAGE = 200


@bp.route("/files/<name>", methods=["GET", "POST"])
@admin_required
def edit_file(name: str):
    """One of data/'s files as the live table holds it, to edit and preview (organizations, topics,
    keywords, menu options, prompts, wording, languages)."""
    if name not in FILES:
        abort(404)
    snapshot = get_store().snapshot()
    docs = docs_from_table(snapshot.table)
    form = FlaskForm()
    text = examples_text(docs[name]) if name == "examples.yaml" else dump(docs[name])
    if form.validate_on_submit():
        text = request.form.get("text", "")
        try:
            docs[name] = parse_yaml(text, name)
        except TooLarge as exc:
            return render_template("console/file_edit.html", name=name, text=text[:max_bytes(name)], form=form,
                                   files=FILES, error=str(exc)), 413
        except yaml.YAMLError as exc:
            return render_template("console/file_edit.html", name=name, text=text, form=form, files=FILES,
                                   error=f"{name} cannot be read: {exc}"), 422
        return review(snapshot.table, snapshot.version, docs, name)
    return render_template("console/file_edit.html", name=name, text=text, form=form, files=FILES, error=None)


@bp.get("/audit")
def audit():
    """Who changed what and when, newest first, each with its old and new value."""
    with get_store().session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)).all()
        fields = [readable.entry_changes(e.target, e.old, e.new) for e in entries]
    return render_template("console/audit.html", rows=list(zip(entries, fields)), diff=readable.unified)
