"""Usage counts read back for the report: per day and kind, and totals per key, between two dates.

Data access only (the shaping, the "<5" rule and the charts are in ``bot.report``). The rows hold
only a day, a kind, a key and a count: never a number, a hash of one or a message body.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import UsageCount


def daily(session: Session, start: date, end: date, kinds: Iterable[str] | None = None
          ) -> list[tuple[date, str, str, int]]:
    """(day, kind, key, count) for every day from ``start`` to ``end`` (both included), in order."""
    query = (select(UsageCount.day, UsageCount.kind, UsageCount.key, UsageCount.count)
             .where(UsageCount.day >= start, UsageCount.day <= end, UsageCount.count > 0)
             .order_by(UsageCount.day, UsageCount.kind, UsageCount.key))
    if kinds is not None:
        query = query.where(UsageCount.kind.in_(list(kinds)))
    return [(day, kind, key, count) for day, kind, key, count in session.execute(query)]


def totals(session: Session, start: date, end: date, kinds: Iterable[str] | None = None
           ) -> list[tuple[str, str, int]]:
    """(kind, key, total) over the days from ``start`` to ``end`` (both included), by kind and key."""
    total = func.sum(UsageCount.count)
    query = (select(UsageCount.kind, UsageCount.key, total)
             .where(UsageCount.day >= start, UsageCount.day <= end, UsageCount.count > 0)
             .group_by(UsageCount.kind, UsageCount.key)
             .order_by(UsageCount.kind, UsageCount.key))
    if kinds is not None:
        query = query.where(UsageCount.kind.in_(list(kinds)))
    return [(kind, key, int(n)) for kind, key, n in session.execute(query)]
