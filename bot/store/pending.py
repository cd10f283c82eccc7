"""Writes that can wait a moment, kept in memory and written in one transaction every
``flush_seconds``: usage counts, answered MessageSids, reply counts and senders' languages.

Reads see them at once (this process's pending ones added to the database's), so the hot path of
a text is a read, while every instance still shares the limits within a second. Usage counts are
only what was used (a topic, a language, a menu key, a line connected): never a number, a hash of
one or a body; simulator, console and test traffic is never counted.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from .. import metrics
from ..table.model import TIMEZONE
from . import messages, senders
from .breaker import is_conflict
from .models import utcnow
from .outage_log import RepeatedFailure

log = logging.getLogger(__name__)
PURGE_SECONDS = 600
KEEP = 50_000  # pending MessageSids, reply counts or languages kept while the database is down
CONFLICT_TRIES = 3  # a batch that meets another worker's (deadlock, serialization) is tried again
REFUSED = (DataError, IntegrityError)  # a row the database will never take (too long, out of range, NULL)


class Pending:
    """Counts and answers not yet written; flushed by a timer thread, and at exit."""

    def __init__(self, sessions: sessionmaker, flush_seconds: float, retention: timedelta, guard=None,
                 written=None):
        """Start empty; flush what is left when the process exits. With a ``guard`` (``breaker.Breaker``)
        a flush is bounded in time and skipped while the database is down; ``written(answers, replies,
        languages)`` hears what each flush wrote (``SenderMemory.written``)."""
        self.sessions, self.flush_seconds, self.retention = sessions, flush_seconds, retention
        self.guard, self.written = guard, written
        self.usage: Counter[tuple[date, str, str]] = Counter()
        self.replies: Counter[tuple[str, int]] = Counter()
        self.answers: dict[str, dict] = {}
        self.languages: dict[tuple[str, bool], str] = {}  # (sender, simulated) -> language
        self.lock = threading.Lock()
        self.purged = 0.0
        self.timer: threading.Thread | None = None
        self.timer_pid = 0  # the process the timer runs in (a forked worker starts its own)
        self.stopped = threading.Event()
        self.failures = RepeatedFailure(log, "pending counts not written", "pending counts written")
        ref = weakref.ref(self)
        atexit.register(lambda: ref() and not ref().stopped.is_set() and ref().flush())  # closed: flushed then

    def count(self, kind: str, *keys: str) -> None:
        """Count one use of each key of ``kind`` today."""
        self.count_uses({kind: keys})

    def count_uses(self, uses: dict[str, tuple[str, ...]]) -> None:
        """Count one use of each key of each kind today (kind -> keys), under one lock."""
        today = datetime.now(TIMEZONE).date()
        with self.lock:
            for kind, keys in uses.items():
                for key in keys:
                    self.usage[today, kind, key] += 1
        for kind, keys in uses.items():
            metrics.usage(kind, keys)
        self._maybe_flush()

    def remember(self, sid: str, topics: tuple[str, ...], language: str, silent: bool, discreet: bool = False) -> None:
        """Keep what the answer to a (hashed) MessageSid was made of (discreet or not)."""
        with self.lock:
            self.answers.setdefault(sid, {"id": sid, "topics": ",".join(topics), "language": language,
                                          "silent": silent, "discreet": discreet, "created_at": utcnow()})
        self._maybe_flush()

    def answer(self, sid: str) -> dict | None:
        """A pending answer to this MessageSid, if any."""
        with self.lock:
            return self.answers.get(sid)

    def remember_language(self, sender: str, simulated: bool, language: str | None) -> None:
        """Keep a sender's new language (None: forget a pending one, it was written at once).
        Only the language waits: an opt-out is always written at once, and never overwritten here."""
        with self.lock:
            if language is None:
                self.languages.pop((sender, simulated), None)
            else:
                self.languages[(sender, simulated)] = language
        if language is not None:
            self._maybe_flush()

    def language(self, sender: str, simulated: bool) -> str | None:
        """A pending language of this sender, if any."""
        with self.lock:
            return self.languages.get((sender, simulated))

    def add_reply(self, sender: str, window: int) -> int:
        """Count one reply to ``sender`` in ``window``; this process's pending count."""
        with self.lock:
            self.replies[(sender, window)] += 1
            count = self.replies[(sender, window)]
        self._maybe_flush()
        return count

    def flush(self) -> None:
        """Write everything pending in one transaction (kept for the next try if the database fails);
        a row the database refuses is dropped, loudly, and never keeps the others from being written."""
        with self.lock:
            batch = {"languages": self.languages, "answers": self.answers, "replies": self.replies,
                     "usage": self.usage}
            self.usage, self.replies, self.answers, self.languages = Counter(), Counter(), {}, {}
        if not any(batch.values()) and time.monotonic() - self.purged < PURGE_SECONDS:
            return
        try:
            self._run(batch)
        except REFUSED:
            batch = self._write_apart(batch)
        except SQLAlchemyError as exc:
            self.failures.failed(type(exc).__name__)
            self._keep(batch)
            return
        self.failures.succeeded()
        if self.written is not None:
            self.written(batch["answers"].values(), batch["replies"], batch["languages"])

    def _run(self, batch: dict) -> None:
        """Write ``batch`` (kind -> rows) in one transaction, bounded by the guard; tried again when it
        meets another worker's write."""
        for attempt in range(CONFLICT_TRIES):
            try:
                if self.guard is not None:
                    return self.guard.call(self._write, batch)
                return self._write(batch)
            except SQLAlchemyError as exc:
                if not is_conflict(exc) or attempt == CONFLICT_TRIES - 1:
                    raise
                log.info("pending counts met another worker's write (%s); trying again", type(exc).__name__)

    def _write_apart(self, batch: dict) -> dict:
        """Write each kind of ``batch`` on its own, halving a refused one down to the rows the database
        refuses, which are dropped with one error line per kind; what was written (the rest is kept
        for the next try when the database fails meanwhile)."""
        written, kept = {}, {}
        for kind, rows in batch.items():
            written[kind], kept[kind], dropped = type(rows)(), type(rows)(), []
            parts = [rows] if rows else []
            while parts:
                part = parts.pop()
                try:
                    self._run({kind: part})
                    written[kind].update(part)
                except REFUSED as exc:
                    if len(part) == 1:
                        dropped.append(exc)
                        continue
                    items = list(part.items())
                    parts += [type(rows)(dict(items[:len(items) // 2])), type(rows)(dict(items[len(items) // 2:]))]
                except SQLAlchemyError:
                    kept[kind].update(part)
            if dropped:
                log.error("pending %s: dropped %d row(s) the database refuses (%s); the others are written",
                          kind, len(dropped), str(getattr(dropped[0], "orig", dropped[0])).splitlines()[0][:200])
        self._keep(kept)
        return written

    def _keep(self, batch: dict) -> None:
        """Keep unwritten rows for the next try, within bounds while the database is down."""
        with self.lock:
            self.usage.update(batch["usage"])
            if len(self.replies) + len(batch["replies"]) <= KEEP:
                self.replies.update(batch["replies"])
            for sid, row in list(batch["answers"].items())[-KEEP:]:
                self.answers.setdefault(sid, row)
            for key, language in list(batch["languages"].items())[-KEEP:]:
                self.languages.setdefault(key, language)

    def _write(self, batch: dict) -> None:
        """One transaction with the rows of ``batch`` (kind -> rows, any kind may be missing)."""
        with self.sessions.begin() as session:
            languages = batch.get("languages") or {}
            for simulated in (False, True):
                senders.save_languages(session, {sender: language for (sender, sim), language in languages.items()
                                                 if sim == simulated}, simulated)
            messages.write_answers(session, (batch.get("answers") or {}).values())
            messages.add_replies(session, batch.get("replies") or Counter())
            messages.add_usage(session, batch.get("usage") or Counter())
            if time.monotonic() - self.purged >= PURGE_SECONDS:
                messages.purge(session, self.retention)
                self.purged = time.monotonic()

    def _maybe_flush(self) -> None:
        """Flush at once when batching is off; else make sure this process's timer does it, off the
        request's path (a request never waits for a batch)."""
        if self.flush_seconds <= 0:
            self.flush()
        elif self.timer_pid != os.getpid() and not self.stopped.is_set():
            with self.lock:
                if self.timer_pid != os.getpid():
                    self.timer = threading.Thread(target=self._tick, daemon=True, name="pending-flush")
                    self.timer.start()
                    self.timer_pid = os.getpid()

    def _tick(self) -> None:
        """Flush every ``flush_seconds`` in the background, until ``close``; an error is logged and the
        next flush tries again."""
        while not self.stopped.wait(self.flush_seconds):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the timer must survive anything
                log.exception("pending counts: the flush failed; trying again")

    def close(self) -> None:
        """Stop the timer and write what is pending (for a clean shutdown)."""
        self.stopped.set()
        if self.timer is not None and self.timer is not threading.current_thread():
            self.timer.join(timeout=5)
        self.flush()
