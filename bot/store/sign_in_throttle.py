"""Wrong sign-ins, counted per client address and per email in the database (shared by every
instance, atomically), the waits they impose, and each worker's memory of the waits it has read.

A wait only ever ends later as wrong tries go on (more failures, a later last one), and a right
password can only clear it once it has ended, so a worker may refuse a try from memory until the
end it last read: a flood of throttled tries then costs no database call at all.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from ..privacy import keyed_hash
from .messages import upsert
from .models import LoginFailure, utcnow

FORGET_FAILURES = timedelta(days=1)
REMEMBERED_WAITS = 10_000  # keys a worker remembers a wait for, at most


@dataclass(frozen=True)
class Throttle:
    free: int  # wrong sign-ins before each further try must wait
    longest: int  # seconds at most


BY_ADDRESS = Throttle(5, 300)  # a flood from one address waits long
BY_EMAIL = Throttle(3, 30)  # anyone may try a known email, so its lock stays short


def throttle_keys(key: bytes, address: str, email: str) -> dict[str, Throttle]:
    """The counters a sign-in from ``address`` as ``email`` is throttled by (keyed hashes)."""
    return {keyed_hash(f"address:{address}", key): BY_ADDRESS,
            keyed_hash(f"email:{email.strip().lower()}", key): BY_EMAIL}


def wait_seconds(failures: int, last_failed: datetime | None, now: datetime, throttle: Throttle) -> int:
    """How long to wait before the next try: none for the first few, then doubling up to a limit."""
    if failures < throttle.free or last_failed is None:
        return 0
    wait = min(throttle.longest, 5 * 2 ** min(failures - throttle.free, 16))
    elapsed = (now - last_failed.replace(tzinfo=last_failed.tzinfo or timezone.utc)).total_seconds()
    return max(0, int(wait - elapsed + 0.999))


def waits(connection: Connection, keys: dict[str, Throttle], now: datetime) -> dict[str, int]:
    """Seconds until each of ``keys`` lets a try through (a read, no lock; a key never tried: 0)."""
    rows = connection.execute(select(LoginFailure.key, LoginFailure.failures, LoginFailure.last_failed_at)
                              .where(LoginFailure.key.in_(list(keys)))).all()
    found = {r.key: wait_seconds(r.failures, r.last_failed_at, now, keys[r.key]) for r in rows}
    return {key: found.get(key, 0) for key in keys}


def record_failure(session: Session, keys: dict[str, Throttle]) -> None:
    """Count one wrong sign-in on each key, atomically (concurrent failures all count)."""
    now = utcnow()
    statement = upsert(session, LoginFailure)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"failures": LoginFailure.failures + 1, "last_failed_at": now}),
        [{"key": k, "failures": 1, "last_failed_at": now} for k in keys])
    session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at < now - FORGET_FAILURES))


def clear_failures(session: Session, keys: list[str]) -> None:
    """Forget the wrong sign-ins of ``keys`` (after a right one)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys)))


class KnownWaits:
    """The waits this worker has read, until they end: ``wait(keys)`` without the database."""

    def __init__(self, limit: int = REMEMBERED_WAITS, clock: Callable[[], float] = time.monotonic):
        """Remember at most ``limit`` keys; ``clock`` counts seconds."""
        self.limit, self.clock = limit, clock
        self.ends: dict[str, float] = {}  # key: when its wait ends (clock time), oldest first
        self.lock = threading.Lock()

    def wait(self, keys: Iterable[str]) -> int:
        """Whole seconds until the slowest of ``keys`` lets a try through, as far as remembered (0: none known)."""
        now = self.clock()
        return max(0, max((math.ceil(self.ends.get(key, now) - now) for key in keys), default=0))

    def remember(self, waits: dict[str, int]) -> None:
        """Keep the waits just read (keys without one are left out); the oldest go beyond ``limit``."""
        now = self.clock()
        with self.lock:
            for key, seconds in waits.items():
                if seconds > 0:
                    self.ends.pop(key, None)
                    self.ends[key] = now + seconds
            if len(self.ends) > self.limit:
                self.ends = {k: end for k, end in self.ends.items() if end > now}
                while len(self.ends) > self.limit:
                    del self.ends[next(iter(self.ends))]

    def forget(self, keys: Iterable[str]) -> None:
        """Drop ``keys`` (their failures were cleared)."""
        with self.lock:
            for key in keys:
                self.ends.pop(key, None)
