"""A failure that repeats while the database is down is logged once, then summed up: every
``every`` seconds while it lasts, and once when it ends. Every worker retries each second; the
log should say so once, not sixty times a minute."""
from __future__ import annotations

import logging
import threading
import time

SUMMARY_SECONDS = 300.0


class RepeatedFailure:
    """``failed(why)`` on each failed try, ``succeeded()`` on each good one."""

    def __init__(self, log: logging.Logger, failing: str, done: str, every: float = SUMMARY_SECONDS):
        """The failure and the success in words: "pending counts not written", "pending counts written"."""
        self.log, self.failing, self.done, self.every = log, failing, done, every
        self.lock = threading.Lock()
        self.failures, self.since, self.told = 0, 0.0, 0.0

    def failed(self, why: str) -> None:
        """Log the first failure of a run, then a summary at most every ``every`` seconds."""
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            first, failures = self.failures == 1, self.failures
            if first:
                self.since = self.told = now
            summary = not first and now - self.told >= self.every
            if summary:
                self.told = now
        if first:
            self.log.warning("%s (%s); will retry (said again when it works)", self.failing, why)
        elif summary:
            self.log.warning("%s (%s): %d tries failed in %.0f s; still trying", self.failing, why, failures,
                             now - self.since)

    def succeeded(self) -> None:
        """After failures: one line saying how long it lasted; else nothing."""
        with self.lock:
            failures, since, self.failures = self.failures, self.since, 0
        if failures:
            self.log.warning("%s again, after %d failed tries in %.0f s", self.done, failures,
                             time.monotonic() - since)
