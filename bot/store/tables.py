"""The resource table in the database: versions of its documents, appended and never changed.

A version holds the documents data/ holds (file name -> content), so the database and the files go
through one and the same check (``load.build_table``); the newest version is the live table.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any, Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from ..table.changes import changes, in_words
from ..table.files import docs_from_table, read_docs
from ..table.model import Table
from ..table.release import carried_over
from ..table.load import DataError, build_table
from .models import AuditEntry, TableVersion

log = logging.getLogger(__name__)

DOCUMENTS = ("discreet.yaml", "interpreters.yaml")  # added from data/ to a table saved before they existed


def save_table(session: Session, table: Table, who: str = "", what: str = "replace table", note: str = "",
               after: int | None = None) -> int:
    """Append ``table`` as the version after ``after`` (default: the newest now), in the caller's
    transaction; its number. Two saves after the same version cannot both land: the second fails
    with IntegrityError (the number is taken)."""
    return _append(session, _stored(docs_from_table(table)), who, what, note, after)


def table_version(session) -> int | None:
    """The live table's version (a Session or Connection), or None when no table was ever loaded."""
    return session.scalar(select(func.max(TableVersion.number)))


def load_docs(session: Session, number: int | None = None) -> dict[str, Any]:
    """The documents of version ``number`` (default: the live one); KeyError if there is none."""
    query = select(TableVersion.documents)
    query = query.where(TableVersion.number == number) if number is not None else \
        query.order_by(TableVersion.number.desc()).limit(1)
    documents = session.scalar(query)
    if documents is None:
        raise KeyError(f"no table version {number}" if number is not None else "no table version")
    return documents


def versions(session: Session, limit: int | None = None) -> Sequence[TableVersion]:
    """The versions, newest first (their documents not loaded)."""
    query = select(TableVersion).order_by(TableVersion.number.desc()).limit(limit)
    return session.scalars(query.options(defer(TableVersion.documents))).all()


def add_missing_documents(session: Session, data_dir: str) -> None:
    """Give a table saved before discreet.yaml and interpreters.yaml existed data/'s copies, checked
    together with the rest of the table: a new version, so every worker picks them up."""
    docs = load_docs(session)
    missing = [name for name in DOCUMENTS if not docs.get(name)]
    if missing:
        docs = dict(docs, **{name: read_docs(data_dir)[name] for name in missing})
        _append(session, _stored(docs_from_table(build_table(docs))), "", "start-up",
                f"added data/'s {' and '.join(missing)}")


def follow_release(session: Session, data_dir: str, check: Callable[[Table], list]) -> int | None:
    """A live table that today's checks refuse (saved by an earlier release) becomes data/'s documents
    with the staff's entries carried over (``release.carried_over``), as a new version with its audit
    entries; its number, or None when the live table passes (or the carried-over one fails too)."""
    if table_version(session) is None:
        return None
    saved = load_docs(session)
    try:
        problems = check(build_table(saved))
    except DataError as exc:
        problems = exc.problems
    if not problems:
        return None
    try:
        table = build_table(carried_over(saved, read_docs(data_dir)))
        refused = check(table)
        if refused:
            raise DataError(refused)
    except DataError as exc:
        log.error("the live table fails today's checks, and so does data/ with the staff's entries:\n%s", exc)
        return None
    found = changes(saved, docs_from_table(table))
    number = _append(session, _stored(docs_from_table(table)), "start-up", "upgrade",
                     f"today's checks refused the saved table ({len(problems)} problems): data/ of this release "
                     f"with the staff's resources, organizations, taught examples and reply tests; {in_words(found)}")
    session.add_all(AuditEntry(who="start-up", action="upgrade", target=c.target, old=c.old, new=c.new,
                               version=number) for c in found)
    log.warning("the live table failed today's checks; version %d is data/ with the staff's entries", number)
    return number


def _append(session: Session, documents: dict[str, Any], who: str, what: str, note: str,
            after: int | None = None) -> int:
    """Insert the version after ``after`` (default: the newest) and flush it; its number."""
    number = (after if after is not None else table_version(session) or 0) + 1
    session.add(TableVersion(number=number, documents=documents, who=who, what=what, note=note))
    session.flush()
    return number


def _stored(docs: dict[str, Any]) -> dict[str, Any]:
    """``docs`` as JSON holds them: dates as YYYY-MM-DD (build_table reads them back)."""
    if isinstance(docs, dict):
        return {k: _stored(v) for k, v in docs.items()}
    if isinstance(docs, (list, tuple)):
        return [_stored(v) for v in docs]
    return docs.isoformat() if isinstance(docs, date) else docs

