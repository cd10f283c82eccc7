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
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
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
        self.stopped = threading.Event()
        self.failures = RepeatedFailure(log, "pending counts not written", "pending counts written")
        ref = weakref.ref(self)
        atexit.register(lambda: ref() and not ref().stopped.is_set() and ref().flush())  # closed: flushed then

    def count(self, kind: str, *keys: str) -> None:
        """Count one use of each key of ``kind`` today."""
        today = datetime.now(TIMEZONE).date()
        with self.lock:
            self.usage.update((today, kind, key) for key in keys)
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
        """Write everything pending in one transaction (kept for the next try if the database fails)."""
        with self.lock:
            usage, replies, answers, languages = self.usage, self.replies, self.answers, self.languages
            self.usage, self.replies, self.answers, self.languages = Counter(), Counter(), {}, {}
        if not (usage or replies or answers or languages) and time.monotonic() - self.purged < PURGE_SECONDS:
            return
        try:
            for attempt in range(CONFLICT_TRIES):
                try:
                    if self.guard is not None:
                        self.guard.call(self._write, usage, replies, answers, languages)
                    else:
                        self._write(usage, replies, answers, languages)
                    break
                except SQLAlchemyError as exc:
                    if not is_conflict(exc) or attempt == CONFLICT_TRIES - 1:
                        raise
                    log.info("pending counts met another worker's write (%s); trying again", type(exc).__name__)
            if self.written is not None:
                self.written(answers.values(), replies, languages)
            self.failures.succeeded()
        except SQLAlchemyError as exc:
            self.failures.failed(type(exc).__name__)
            with self.lock:  # keep them for the next try, within bounds while the database is down
                self.usage.update(usage)
                if len(self.replies) + len(replies) <= KEEP:
                    self.replies.update(replies)
                for sid, row in list(answers.items())[-KEEP:]:
                    self.answers.setdefault(sid, row)
                for key, language in list(languages.items())[-KEEP:]:
                    self.languages.setdefault(key, language)

    def _write(self, usage: Counter, replies: Counter, answers: dict, languages: dict) -> None:
        """One transaction with everything taken from the pending writes."""
        with self.sessions.begin() as session:
            for simulated in (False, True):
                senders.save_languages(session, {sender: language for (sender, sim), language in languages.items()
                                                 if sim == simulated}, simulated)
            messages.write_answers(session, answers.values())
            messages.add_replies(session, replies)
            messages.add_usage(session, usage)
            if time.monotonic() - self.purged >= PURGE_SECONDS:
                messages.purge(session, self.retention)
                self.purged = time.monotonic()

    def _maybe_flush(self) -> None:
        """Flush at once when batching is off; else make sure this process's timer does it, off the
        request's path (a request never waits for a batch)."""
        if self.flush_seconds <= 0:
            self.flush()
        elif not self.stopped.is_set() and (self.timer is None or not self.timer.is_alive()):
            self.timer = threading.Thread(target=self._tick, daemon=True, name="pending-flush")
            self.timer.start()

    def _tick(self) -> None:
        """Flush every ``flush_seconds`` in the background, until ``close``."""
        while not self.stopped.wait(self.flush_seconds):
            self.flush()

    def close(self) -> None:
        """Stop the timer and write what is pending (for a clean shutdown)."""
        self.stopped.set()
        if self.timer is not None and self.timer is not threading.current_thread():
            self.timer.join(timeout=5)
        self.flush()
