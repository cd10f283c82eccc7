"""Usage counts per day (America/Los_Angeles): buffered in memory, written in batches.

Counts only what was used (a topic, a language, a menu key, a line connected): never a number,
a hash of one or a message body. Simulator, console and test traffic is never counted.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..table import TIMEZONE
from . import messages
from .models import UsageCount

log = logging.getLogger(__name__)


class UsageBuffer:
    """Counts kept in memory and flushed every ``flush_seconds``; also purges expired rows."""

    def __init__(self, sessions: sessionmaker, flush_seconds: float, retention: timedelta):
        """Start empty; flush what is left when the process exits."""
        self.sessions, self.flush_seconds, self.retention = sessions, flush_seconds, retention
        self.pending: Counter[tuple[date, str, str]] = Counter()
        self.lock = threading.Lock()
        self.flushed = time.monotonic()
        self.purged = 0.0
        ref = weakref.ref(self)
        atexit.register(lambda: ref() and ref().flush())

    def add(self, kind: str, *keys: str) -> None:
        """Count one use of each key of ``kind`` today; flush if the last flush is old enough."""
        today = datetime.now(TIMEZONE).date()
        with self.lock:
            self.pending.update((today, kind, key) for key in keys)
        if time.monotonic() - self.flushed >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the pending counts in one transaction (kept for the next try if the database fails)."""
        with self.lock:
            batch, self.pending = self.pending, Counter()
            self.flushed = time.monotonic()
        if not batch:
            return
        try:
            with self.sessions.begin() as session:
                for (day, kind, key), n in batch.items():
                    _increment(session, day, kind, key, n)
                if time.monotonic() - self.purged > 600:
                    messages.purge(session, self.retention)
                    self.purged = time.monotonic()
        except SQLAlchemyError as exc:
            log.warning("usage counts not written (%s); will retry", type(exc).__name__)
            with self.lock:
                self.pending.update(batch)


def _increment(session: Session, day: date, kind: str, key: str, n: int) -> None:
    """Add ``n`` to one day's count, creating the row if needed."""
    bump = (update(UsageCount).where(UsageCount.day == day, UsageCount.kind == kind, UsageCount.key == key)
            .values(count=UsageCount.count + n))
    if session.execute(bump).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(UsageCount(day=day, kind=kind, key=key, count=n))
    except IntegrityError:
        session.execute(bump)
