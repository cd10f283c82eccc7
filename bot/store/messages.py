"""Answered MessageSids and per-sender reply counts (both hashed, both expiring), and usage counts:
read per text, written in batches by ``Pending``."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .bulk_upsert import upsert_many
from .models import AnsweredMessage, RateWindow, UsageCount, utcnow


def answered_since(connection, since: datetime | None) -> list[tuple]:
    """The answers to MessageSids kept since ``since`` (None: all kept), as rows of
    (id, topics, language, silent, discreet)."""
    statement = select(AnsweredMessage.id, AnsweredMessage.topics, AnsweredMessage.language,
                       AnsweredMessage.silent, AnsweredMessage.discreet)
    if since is not None:
        statement = statement.where(AnsweredMessage.created_at >= since)
    return [tuple(row) for row in connection.execute(statement)]


def window_counts(connection, window: int, at_least: int = 0) -> dict[tuple[str, int], int]:
    """The reply counts in ``window`` of every sender with at least ``at_least`` replies."""
    statement = select(RateWindow.sender, RateWindow.count).where(RateWindow.window == window,
                                                                  RateWindow.count >= at_least)
    return {(sender, window): count for sender, count in connection.execute(statement)}


def write_answers(session: Session, rows: Iterable[dict], now: datetime | None = None) -> None:
    """Keep answered MessageSids, stamped as written (other workers read what was written since
    they last read); one already kept (another instance's) stays as it is."""
    now = now or utcnow()
    rows = sorted(({**row, "created_at": now} for row in rows), key=lambda row: row["id"])  # one order: no deadlock
    upsert_many(session, AnsweredMessage.__table__, rows)


def add_replies(session: Session, counts: Counter[tuple[str, int]], now: datetime | None = None) -> None:
    """Add reply counts per (sender, window)."""
    now = now or utcnow()
    rows = [{"sender": s, "window": w, "count": n, "created_at": now}
            for (s, w), n in sorted(counts.items())]  # one order in every worker: no deadlock
    upsert_many(session, RateWindow.__table__, rows, key=("sender", "window"), add=("count",))


def add_usage(session: Session, counts: Counter[tuple[date, str, str]]) -> None:
    """Add usage counts per (day, kind, key)."""
    rows = [{"day": d, "kind": k, "key": key, "count": n} for (d, k, key), n in sorted(counts.items())]
    upsert_many(session, UsageCount.__table__, rows, key=("day", "kind", "key"), add=("count",))


def purge(session: Session, older_than: timedelta, now: datetime | None = None) -> None:
    """Forget answered MessageSids and reply counts older than ``older_than``."""
    cutoff = (now or utcnow()) - older_than
    session.execute(delete(AnsweredMessage).where(AnsweredMessage.created_at < cutoff))
    session.execute(delete(RateWindow).where(RateWindow.created_at < cutoff))


def upsert(session: Session, model):
    """An INSERT into ``model``'s table that can say ON CONFLICT, in the database's own dialect
    (PostgreSQL or SQLite), for one row (``bulk_upsert`` writes many)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__)
