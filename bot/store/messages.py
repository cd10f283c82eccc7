"""Answered MessageSids and per-sender reply counts (both hashed, both expiring), and usage counts:
read per text, written in batches by ``Pending``."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import AnsweredMessage, RateWindow, UsageCount, utcnow


def answered(session: Session, sid: str) -> dict | None:
    """The earlier answer to this (hashed) MessageSid, if any: its topics, language and silence."""
    row = session.execute(select(AnsweredMessage.topics, AnsweredMessage.language, AnsweredMessage.silent)
                          .where(AnsweredMessage.id == sid)).first()
    return row._asdict() if row else None


def reply_count(session: Session, sender: str, window: int) -> int:
    """Replies this sender got in this window, as the database knows them."""
    return session.scalar(select(RateWindow.count).where(RateWindow.sender == sender,
                                                         RateWindow.window == window)) or 0


def write_answers(session: Session, rows: Iterable[dict]) -> None:
    """Keep answered MessageSids; one already kept (another instance's) stays as it is."""
    rows = list(rows)
    if rows:
        session.execute(_insert(session, AnsweredMessage).on_conflict_do_nothing(), rows)


def add_replies(session: Session, counts: Counter[tuple[str, int]], now: datetime | None = None) -> None:
    """Add reply counts per (sender, window)."""
    rows = [{"sender": s, "window": w, "count": n, "created_at": now or utcnow()} for (s, w), n in counts.items()]
    if rows:
        stmt = _insert(session, RateWindow)
        session.execute(stmt.on_conflict_do_update(index_elements=["sender", "window"],
                                                   set_={"count": RateWindow.count + stmt.excluded["count"]}), rows)


def add_usage(session: Session, counts: Counter[tuple[date, str, str]]) -> None:
    """Add usage counts per (day, kind, key)."""
    rows = [{"day": d, "kind": k, "key": key, "count": n} for (d, k, key), n in counts.items()]
    if rows:
        stmt = _insert(session, UsageCount)
        session.execute(stmt.on_conflict_do_update(index_elements=["day", "kind", "key"],
                                                   set_={"count": UsageCount.count + stmt.excluded["count"]}), rows)


def purge(session: Session, older_than: timedelta, now: datetime | None = None) -> None:
    """Forget answered MessageSids and reply counts older than ``older_than``."""
    cutoff = (now or utcnow()) - older_than
    session.execute(delete(AnsweredMessage).where(AnsweredMessage.created_at < cutoff))
    session.execute(delete(RateWindow).where(RateWindow.created_at < cutoff))


def _insert(session: Session, model):
    """An INSERT that can say ON CONFLICT, in the database's own dialect (PostgreSQL or SQLite)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)
