"""Each worker's memory of sender state, so a text is answered with no database call on its path.

It holds only what differs from a new sender (an opt-out, discreet replies, a language), the
answered MessageSids of the retention window and the reply counts of the current window. The
database is how workers share it: ``refresh`` reads what changed since the last read (a few
seconds back, for commits that landed late) and runs in the background about every second.
While the database cannot be read, the memory answers with what it last knew, and a sender it
does not hold is unknown (``state`` None), not new.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Callable, Iterable, NamedTuple

from . import messages, senders
from .models import utcnow

CLOCKS_APART = timedelta(seconds=1)  # how far the clocks of two machines sharing a database may differ (NTP)
PURGE_SLACK = 1 / 24  # answers are forgotten when the oldest is this share of the retention past it
ANSWER = ("topics", "language", "silent", "discreet", "created_at")  # an answer as held, after its MessageSid


class Remembered(NamedTuple):
    """A sender's state; as a change, None keeps what was held (a STOP during an outage sets only
    the opt-out)."""

    language: str | None
    opted_out: bool | None
    discreet: bool | None


NEW = Remembered(None, False, False)


class SenderMemory:
    """Sender states, answered MessageSids and window reply counts, as this worker last knew them."""

    def __init__(self, retention: timedelta, write_seconds: float = 2.0, answers_seconds: float = 0.0):
        """Empty and not current: every sender is unknown until the first ``refresh``. A write may
        commit up to ``write_seconds`` after its rows were stamped (a later one is written again by
        the spool or the next batch, stamped anew), so each refresh reads that far back again, and
        the clocks' difference. Answered MessageSids are read at most every ``answers_seconds``
        (Twilio retries a text seconds after it, not within the second)."""
        self.retention = retention
        self.overlap = timedelta(seconds=write_seconds) + CLOCKS_APART
        self.answers_seconds = answers_seconds
        self.answers_since: datetime | None = None  # when answers were last read
        self.answers_read = float("-inf")  # time.monotonic() of that read
        self.states: dict[tuple[str, bool], Remembered] = {}
        self.answers: dict[str, tuple] = {}  # hashed MessageSid -> the answer given (``ANSWER``)
        self.replies: dict[tuple[str, int], int] = {}  # (sender, window) -> replies the database counts
        self.since: datetime | None = None  # the newest change read
        self.changed: dict[tuple[str, bool], datetime] = {}  # changed here, at: an older row read loses
        self.current = False  # the last refresh read the database: a sender not held is a new sender
        self.read_at = float("-inf")  # time.monotonic() of the last refresh that read the database
        self.lock = threading.Lock()

    def state(self, sender: str, simulated: bool = False) -> Remembered | None:
        """The sender's state; None when it is unknown (not held, and the memory is not current)."""
        found = self.states.get((sender, simulated))
        if found is None:
            return NEW if self.current else None
        return found

    def age(self) -> float:
        """Seconds since the last refresh that read the database (infinite before the first)."""
        return time.monotonic() - self.read_at

    def answer(self, sid: str) -> dict | None:
        """The answer already given to a hashed MessageSid, by any worker (as last read)."""
        held = self.answers.get(sid)
        return None if held is None else dict(zip(ANSWER, held))

    def replies_in(self, sender: str, window: int) -> int:
        """Replies to ``sender`` in ``window`` that the database counted (as last read)."""
        return self.replies.get((sender, window), 0)

    def apply(self, sender: str, simulated: bool, change: Remembered) -> None:
        """Hold a sender's change at once (a STOP holds on this worker before any write); until the
        database gives a row as new as it, a refresh keeps it."""
        key = (sender, simulated)
        with self.lock:
            self.changed[key] = utcnow()
            self._hold(key, Remembered(*(new if new is not None else old for new, old in
                                         zip(change, self.states.get(key, NEW)))))

    def _hold(self, key: tuple[str, bool], state: Remembered) -> None:
        """Keep a sender's whole state, or forget them when it is a new sender's."""
        if state == NEW:
            self.states.pop(key, None)
        else:
            self.states[key] = state

    def written(self, answers: Iterable[dict], replies: dict[tuple[str, int], int],
                languages: dict[tuple[str, bool], str]) -> None:
        """What this worker just wrote in a batch: held at once, before the next read brings it."""
        with self.lock:
            for key, language in languages.items():
                self.states[key] = self.states.get(key, NEW)._replace(language=language)
            for row in answers:
                self.answers.setdefault(row["id"], tuple(row[k] for k in ANSWER))
            for key, count in replies.items():
                self.replies[key] = self.replies.get(key, 0) + count

    def refresh(self, read: Callable, window: int | None, at_least: int = 0, now: datetime | None = None) -> None:
        """Read what changed since the last read with ``read(fn, *args)`` (bounded in time), and the
        reply counts of ``window`` from ``at_least`` on (below, no sender is near the limit, and
        this worker's own counts stand); an error leaves the memory as it was, no longer current,
        and is raised."""
        since, began = self.since, time.monotonic()
        answers = began - self.answers_read >= self.answers_seconds
        answers_since = (self.answers_since and self.answers_since - self.overlap) if answers else False
        try:
            changes = read(_changes, since and since - self.overlap, answers_since, window, at_least)
        except Exception:
            self.current = False
            raise
        now = now or utcnow()
        with self.lock:
            for row in changes["senders"]:
                key = (row.id, row.simulated)
                if key in self.changed:
                    if _aware(row.updated_at) < self.changed[key]:
                        continue  # read before this worker's own newer change was written
                    del self.changed[key]
                self._hold(key, Remembered(row.language, row.opted_out, row.discreet))
            for sid, *answer in changes["answers"]:  # held from when it was read, for the retention
                self.answers.setdefault(sid, (*answer, changes["read_at"]))
            if answers:
                self.answers_since, self.answers_read = changes["read_at"], began
            if window is not None:
                self.replies = {(s, w): n for (s, w), n in self.replies.items() if w == window}
                self.replies.update(changes["replies"])
            self._forget_answers_before(now - self.retention)
            self.since = changes["read_at"]
            self.current, self.read_at = True, began

    def _forget_answers_before(self, cutoff: datetime) -> None:
        """Forget the answers held since before ``cutoff``, in one pass over them all, so only once the
        oldest (they are held about in the order answered) is ``PURGE_SLACK`` of the retention past it."""
        oldest = next(iter(self.answers.values()), None)
        if oldest is not None and _aware(oldest[-1]) < cutoff - self.retention * PURGE_SLACK:
            self.answers = {sid: row for sid, row in self.answers.items() if _aware(row[-1]) >= cutoff}


def _changes(connection, since: datetime | None, answers_since: datetime | None | bool, window: int | None,
             at_least: int) -> dict:
    """Senders changed since ``since`` and MessageSids answered since ``answers_since`` (None: all;
    False: none this time), and the window's counts."""
    return {"read_at": utcnow(), "senders": senders.changed_since(connection, since),
            "answers": () if answers_since is False else messages.answered_since(connection, answers_since),
            "replies": messages.window_counts(connection, window, at_least) if window is not None else {}}


def _aware(moment: datetime) -> datetime:
    """A timestamp as UTC-aware (SQLite gives naive ones back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)
