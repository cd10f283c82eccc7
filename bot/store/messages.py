"""Answered MessageSids and per-sender reply counts (both hashed, both expiring), and usage counts:
read per text, written in batches by ``Pending``."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import AnsweredMessage, RateWindow, Sender, SimulatedSender, UsageCount, utcnow


def lookup(connection, sid: str | None, sender: str | None, window: int | None,
           simulated: bool = False) -> dict:
    """In one statement: the earlier answer to a (hashed) MessageSid (topics, language, silent),
    the sender's state (language, opted_out) and their replies in ``window``; None where unknown."""
    statement = _LOOKUP[simulated]
    row = connection.execute(statement, {"sid": sid, "sender": sender, "window": window}).one()
    return row._asdict()


def _lookup_statement(model) -> Select:
    """The one-row SELECT of ``lookup`` for real or simulated senders."""
    sid, sender, window = bindparam("sid"), bindparam("sender"), bindparam("window")

    def one(column, *where):
        return select(column).where(*where).scalar_subquery()

    return select(
        one(AnsweredMessage.topics, AnsweredMessage.id == sid).label("topics"),
        one(AnsweredMessage.language, AnsweredMessage.id == sid).label("answer_language"),
        one(AnsweredMessage.silent, AnsweredMessage.id == sid).label("silent"),
        one(AnsweredMessage.discreet, AnsweredMessage.id == sid).label("answer_discreet"),
        one(model.language, model.id == sender).label("language"),
        one(model.opted_out, model.id == sender).label("opted_out"),
        one(model.discreet, model.id == sender).label("discreet"),
        one(RateWindow.count, RateWindow.sender == sender, RateWindow.window == window).label("replies"),
    )


_LOOKUP = {False: _lookup_statement(Sender), True: _lookup_statement(SimulatedSender)}


def write_answers(session: Session, rows: Iterable[dict]) -> None:
    """Keep answered MessageSids; one already kept (another instance's) stays as it is."""
    rows = list(rows)
    if rows:
        session.execute(upsert(session, AnsweredMessage).on_conflict_do_nothing(), rows)


def add_replies(session: Session, counts: Counter[tuple[str, int]], now: datetime | None = None) -> None:
    """Add reply counts per (sender, window)."""
    rows = [{"sender": s, "window": w, "count": n, "created_at": now or utcnow()} for (s, w), n in counts.items()]
    if rows:
        stmt = upsert(session, RateWindow)
        session.execute(stmt.on_conflict_do_update(index_elements=["sender", "window"],
                                                   set_={"count": RateWindow.count + stmt.excluded["count"]}), rows)


def add_usage(session: Session, counts: Counter[tuple[date, str, str]]) -> None:
    """Add usage counts per (day, kind, key)."""
    rows = [{"day": d, "kind": k, "key": key, "count": n} for (d, k, key), n in counts.items()]
    if rows:
        stmt = upsert(session, UsageCount)
        session.execute(stmt.on_conflict_do_update(index_elements=["day", "kind", "key"],
                                                   set_={"count": UsageCount.count + stmt.excluded["count"]}), rows)


def purge(session: Session, older_than: timedelta, now: datetime | None = None) -> None:
    """Forget answered MessageSids and reply counts older than ``older_than``."""
    cutoff = (now or utcnow()) - older_than
    session.execute(delete(AnsweredMessage).where(AnsweredMessage.created_at < cutoff))
    session.execute(delete(RateWindow).where(RateWindow.created_at < cutoff))


def upsert(session: Session, model):
    """An INSERT that can say ON CONFLICT, in the database's own dialect (PostgreSQL or SQLite)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
