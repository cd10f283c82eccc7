"""Database calls bounded in time from the client side, and a circuit breaker around them.

A frozen server (SIGSTOP, a network blackhole) still has its kernel acknowledge TCP, so no
server-side or socket timeout fires: each call runs in a worker thread and the caller waits at
most ``deadline`` seconds. The first call that fails or runs late opens the breaker; while it is
open every call fails at once (the bot answers from memory) and a background probe tries the
database every ``probe_seconds``; when a probe succeeds the breaker closes and ``on_recover`` runs.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future, TimeoutError as FutureTimeout
from typing import Any, Callable

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError, TimeoutError as PoolTimeout

from .. import metrics

log = logging.getLogger(__name__)
WORKERS = 8  # threads that run database calls for one process
TRIPS = (OperationalError, InterfaceError, PoolTimeout, OSError)  # a sick database, not a refused write
CONFLICTS = ("40P01", "40001")  # deadlock, serialization failure: the database is well, try again


def is_conflict(exc: BaseException) -> bool:
    """True for a deadlock or serialization failure between two writers (PostgreSQL's SQLSTATE)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in CONFLICTS


class DatabaseUnavailable(SQLAlchemyError):
    """The database did not answer in time, or the breaker is open: answer from memory."""


class Workers:
    """A few daemon threads that run calls (daemons: a call hung on a frozen server never blocks exit)."""

    def __init__(self, size: int):
        """No thread yet; up to ``size`` are started as calls come."""
        self.size, self.calls, self.lock = size, queue.SimpleQueue(), threading.Lock()
        self.started = self.idle = 0
        self.threads: list[threading.Thread] = []

    def submit(self, fn: Callable, *args) -> Future:
        """Run ``fn(*args)`` on a worker; its future."""
        future: Future = Future()
        self.calls.put((future, fn, args))
        with self.lock:
            if self.idle == 0 and self.started < self.size:
                self.started += 1
                self.threads.append(threading.Thread(target=self._run, daemon=True, name=f"db-call-{self.started}"))
                self.threads[-1].start()
        return future

    def _run(self) -> None:
        """Take calls one by one, until ``close`` sends None."""
        while True:
            with self.lock:
                self.idle += 1
            call = self.calls.get()
            if call is None:
                return
            future, fn, args = call
            with self.lock:
                self.idle -= 1
            if not future.set_running_or_notify_cancel():
                continue  # its caller gave up before it started
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to the caller
                future.set_exception(exc)

    def close(self) -> None:
        """End every thread once it has finished its call (a call hung on a frozen server ends with it)."""
        with self.lock:
            started, self.size = self.started, 0
        for _ in range(started):
            self.calls.put(None)


class Breaker:
    """``call(fn, *args)``: fn's result within ``deadline`` seconds, or DatabaseUnavailable."""

    def __init__(self, probe: Callable[[], Any], deadline: float, probe_seconds: float = 1.0,
                 on_recover: Callable[[], Any] | None = None):
        """Closed (calls go through) until a call fails."""
        self.probe, self.deadline, self.probe_seconds = probe, deadline, probe_seconds
        self.on_recover = on_recover
        self.workers = Workers(WORKERS)
        self.opened: float | None = None  # monotonic time it opened; None: closed
        metrics.DATABASE_DOWN.set(0)
        self.lock = threading.Lock()
        self.closed = threading.Event()

    @property
    def is_open(self) -> bool:
        """True while the database is held to be down."""
        return self.opened is not None

    def call(self, fn: Callable, *args, deadline: float | None = None):
        """Run ``fn(*args)`` with a deadline; fail at once while the breaker is open."""
        if self.opened is not None or self.closed.is_set():
            metrics.DATABASE_SKIPPED.inc()
            raise DatabaseUnavailable("the database is unavailable; answering from memory")
        future = self.workers.submit(fn, *args)
        try:
            return future.result(timeout=deadline or self.deadline)
        except FutureTimeout:
            future.cancel()
            metrics.DATABASE_FAILURES.labels("timeout").inc()
            self.trip(f"no answer within {deadline or self.deadline:g} s")
            raise DatabaseUnavailable("the database did not answer in time") from None
        except TRIPS as exc:
            if not is_conflict(exc):
                metrics.DATABASE_FAILURES.labels("error").inc()
                self.trip(type(exc).__name__)
            raise

    def trip(self, why: str) -> None:
        """Open the breaker (if closed) and start the probe."""
        with self.lock:
            if self.opened is not None:
                return
            self.opened = time.monotonic()
        metrics.DATABASE_DOWN.set(1)
        log.error("database unavailable (%s): answering from memory until it is back", why)
        threading.Thread(target=self._probe_until_healthy, daemon=True, name="db-probe").start()

    def _probe_until_healthy(self) -> None:
        """Try the database every ``probe_seconds`` (one try at a time) until it answers; then close."""
        attempt: Future | None = None
        while not self.closed.wait(self.probe_seconds):
            if attempt is None or attempt.done():
                attempt = Future()
                threading.Thread(target=_settle, args=(attempt, self.probe), daemon=True, name="db-probe-try").start()
            try:
                attempt.result(timeout=self.deadline)
            except FutureTimeout:
                continue  # still hanging: wait for it, never pile up tries
            except Exception:  # noqa: BLE001 - any failure means: not yet
                attempt = None
                continue
            break
        else:
            return  # closed: the process is shutting down
        with self.lock:
            down = time.monotonic() - (self.opened or time.monotonic())
            self.opened = None
        metrics.DATABASE_DOWN.set(0)
        log.warning("database answers again after %.1f s", down)
        if self.on_recover:
            try:
                self.on_recover()
            except Exception:  # noqa: BLE001 - logged; the breaker stays closed
                log.exception("catching up after the database came back failed")

    def close(self) -> None:
        """Refuse further calls, end the probe and the worker threads (for a clean shutdown)."""
        self.closed.set()
        self.workers.close()


def _settle(future: Future, fn: Callable) -> None:
    """Run ``fn`` and put its outcome in ``future``."""
    try:
        future.set_result(fn())
    except BaseException as exc:
        future.set_exception(exc)
