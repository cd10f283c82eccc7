"""bot/store/textbacks.py: texts during calls counted per caller and day and per hour, both or neither."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store import get_store, textbacks
from bot.store.models import TextBackCount, utcnow

A, B = "a" * 64, "b" * 64  # callers' keyed hashes
DAY, HOUR = 20_000, 480_000


def counts(app) -> dict:
    """(key, window) -> count, as stored."""
    with app.app_context(), get_store().session() as session:
        return {(r.key, r.window): r.count for r in session.scalars(select(TextBackCount))}


def take(app, caller, per_caller=3, per_hour=5, day=DAY, hour=HOUR, now=None):
    """Count one text to ``caller`` through the store (bounded in time); the limit reached, if any."""
    with app.app_context():
        try:
            get_store().write(textbacks.take, caller, day, hour, per_caller, per_hour, now)
        except textbacks.OverLimit as exc:
            return exc.limit
    return None


def test_a_refused_text_counts_nothing(app):
    assert [take(app, A) for _ in range(4)] == [None, None, None, "caller"]
    assert [take(app, B) for _ in range(3)] == [None, None, "hour"]  # 5 an hour, for everyone together
    assert counts(app) == {(A, DAY): 3, (B, DAY): 2, (textbacks.EVERY_CALLER, HOUR): 5}


def test_a_new_day_and_a_new_hour_start_again(app):
    assert [take(app, A, per_hour=3) for _ in range(4)] == [None, None, None, "caller"]
    assert take(app, A, day=DAY + 1, per_hour=3) == "hour" and take(app, A, day=DAY + 1, hour=HOUR + 1) is None


@pytest.mark.parametrize("days, kept", [(1, True), (3, False)])
def test_rows_expire(app, days, kept):
    take(app, A, day=DAY - days, hour=HOUR - 24 * days, now=utcnow() - timedelta(days=days))
    take(app, B)
    assert ((A, DAY - days) in counts(app)) == kept
