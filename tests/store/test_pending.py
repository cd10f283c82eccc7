"""bot/store/pending.py: batched writes where a row the database refuses is dropped, loudly, and
never keeps the others (reply counts above all) from being written."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot import create_app
from bot.store.models import AnsweredMessage, RateWindow, UsageCount, utcnow
from bot.store.pending import Pending
from conftest import clear_of_a_window_edge, parse_twiml, post_signed


def unstorable(app) -> str | None:
    """A language no column takes: too long for PostgreSQL's varchar(8); NULL (not null) on SQLite."""
    return None if app.extensions["store"].engine.dialect.name == "sqlite" else "x" * 12


def test_a_refused_row_is_dropped_and_every_other_row_written(app, caplog):
    store = app.extensions["store"]
    heard = []
    pending = Pending(store.sessions, 3600, timedelta(hours=1),
                      written=lambda answers, replies, languages: heard.append((list(answers), replies, languages)))
    for i in range(7):
        pending.remember(f"{i:064d}", ("HOTLINE",), unstorable(app) if i == 3 else "es", silent=False)
    pending.add_reply("a" * 64, 1)
    pending.add_reply("b" * 64, 1)
    pending.count("topic", "HOTLINE", "HOTLINE", "HOUSING")
    pending.remember_language("c" * 64, False, "es")
    with caplog.at_level(logging.ERROR, logger="bot.store.pending"):
        pending.flush()
    with store.session() as session:
        assert sorted(session.scalars(select(AnsweredMessage.id))) == [f"{i:064d}" for i in range(7) if i != 3]
        assert session.scalar(select(func.sum(RateWindow.count))) == 2
        assert dict(session.execute(select(UsageCount.key, UsageCount.count)).all()) == {"HOTLINE": 2, "HOUSING": 1}
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "pending answers: dropped 1 row(s)" in line
    answers, replies, languages = heard[-1]
    assert len(answers) == 6 and replies == Counter({("a" * 64, 1): 1, ("b" * 64, 1): 1})
    assert languages == {("c" * 64, False): "es"}
    assert not (pending.answers or pending.replies or pending.usage)  # the refused row is not tried again
    pending.flush()  # the next batch goes through whole
    pending.close()


def test_the_reply_limit_holds_across_workers_when_one_row_is_refused(app_config):
    """Two workers on one database; one holds a row the database refuses. A sender texting both
    gets no more replies than the limit, since the refusing worker's reply counts are written."""
    settings = {**app_config, "WRITE_BATCH_SECONDS": 3600, "RATE_LIMIT": 30}
    clear_of_a_window_edge(30)
    workers = [create_app(settings), create_app(settings)]
    first = workers[0].extensions["store"]
    first.pending.remember("9" * 64, ("HOTLINE",), unstorable(workers[0]), silent=False, discreet=False)
    replies = 0
    for i in range(45):
        worker = workers[i % 2]
        params = {"From": "+12095550142", "To": "+12095550000", "Body": "help", "MessageSid": f"SM{i:032d}",
                  "AccountSid": "AC" + "0" * 32}
        replies += parse_twiml(post_signed(worker.test_client(), "/sms", params)).find("Message") is not None
        worker.extensions["store"].pending.flush()  # each worker's batch, as its timer writes it
    assert replies == 30
    with first.session() as session:
        window = session.scalar(select(RateWindow.count).where(RateWindow.created_at > utcnow() - timedelta(hours=1)))
        assert window == 45  # every text counted, the refusing worker's too
    for worker in workers:
        worker.extensions["store"].close()
