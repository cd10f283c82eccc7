"""During a database outage a failure that repeats every second is logged once, then summed up."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import func, select

from bot.store.breaker import Breaker
from bot.store.models import UsageCount
from bot.store.outage_log import RepeatedFailure
from bot.store.pending import Pending
from conftest import wait_until_closed


def test_pending_counts_not_written_are_logged_once_per_outage(app, caplog):
    store = app.extensions["store"]
    back = threading.Event()

    def probe():
        if not back.is_set():
            raise OSError("the database is down")

    guard = Breaker(probe, deadline=2, probe_seconds=0.05)
    pending = Pending(store.sessions, 0, timedelta(hours=1), guard)  # every count is written at once
    guard.trip("a test")
    with caplog.at_level(logging.INFO, logger="bot.store"):
        for _ in range(30):  # thirty rounds of the flush timer, one a second in production
            pending.count("topic", "HOTLINE")
        back.set()
        wait_until_closed(guard)
        pending.flush()
    said = [r.getMessage() for r in caplog.records if r.name == "bot.store.pending"]
    assert said == ["pending counts not written (DatabaseUnavailable); will retry (said again when it works)",
                    said[1]], said
    assert said[1].startswith("pending counts written again, after 30 failed tries in ")
    with store.session() as session:
        assert session.scalar(select(func.sum(UsageCount.count)).where(UsageCount.key == "HOTLINE")) == 30
    pending.close()
    guard.close()


def test_a_long_outage_is_summed_up_every_so_often(caplog):
    failures = RepeatedFailure(logging.getLogger("bot.test"), "it failed", "it worked", every=0)
    with caplog.at_level(logging.WARNING, logger="bot.test"):
        failures.failed("Down")
        failures.failed("Down")
        failures.succeeded()
        failures.succeeded()
    said = [r.getMessage() for r in caplog.records]
    assert said[0] == "it failed (Down); will retry (said again when it works)"
    assert said[1].startswith("it failed (Down): 2 tries failed in ")
    assert said[2].startswith("it worked again, after 2 failed tries in ")
    assert len(said) == 3
