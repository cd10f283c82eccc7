"""Texts of the numbers during a call, counted in the database so every worker shares the limits:
per caller and day (the caller's keyed hash, never the number) and for all callers per hour.

A text is counted before it is sent, in one transaction that adds to both counts or to neither:
each count is raised with one upsert that returns the new count, so two workers never both take
the last text of a limit. Rows expire after ``KEPT``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .messages import upsert
from .models import TextBackCount, utcnow

EVERY_CALLER = "*"  # the key of the hourly count of every caller together
KEPT = timedelta(days=2)  # a day's count outlives its day, whatever RETENTION_HOURS says


class OverLimit(Exception):
    """A text the limits do not allow; ``limit``: "caller" (texts to this caller today) or "hour"."""

    def __init__(self, limit: str):
        """Which limit was reached."""
        super().__init__(f"the {limit} limit of texts during a call is reached")
        self.limit = limit


def take(session: Session, caller: str, day: int, hour: int, per_caller: int, per_hour: int,
         now: datetime | None = None) -> None:
    """Count one text to ``caller`` (a keyed hash) on ``day`` and in ``hour``; OverLimit, with nothing
    counted (the caller's transaction is rolled back), when either count would pass its limit."""
    now = now or utcnow()
    for key, window, limit, name in ((caller, day, per_caller, "caller"), (EVERY_CALLER, hour, per_hour, "hour")):
        if _added(session, key, window, now) > limit:  # the caller's row first, then the hour's: no deadlock
            raise OverLimit(name)
    session.execute(delete(TextBackCount).where(TextBackCount.created_at < now - KEPT))


def _added(session: Session, key: str, window: int, now: datetime) -> int:
    """Add one to the count of (``key``, ``window``); the new count (the row is locked until commit)."""
    stmt = upsert(session, TextBackCount).values(key=key, window=window, count=1, created_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["key", "window"], set_={"count": TextBackCount.count + 1})
    return session.scalar(stmt.returning(TextBackCount.count))
