"""Real texts: Twilio's retries answered again but counted once, the per-sender limit, usage counts."""
from sqlalchemy import func, select

from bot.store import get_store
from bot.store.models import AnsweredMessage, RateWindow, UsageCount
from conftest import clear_of_a_window_edge, parse_twiml, post_signed


def usage(app):
    """{(kind, key): count} over all days."""
    with app.app_context(), get_store().session() as session:
        rows = session.execute(select(UsageCount.kind, UsageCount.key, func.sum(UsageCount.count))
                               .group_by(UsageCount.kind, UsageCount.key)).all()
    return {(kind, key): n for kind, key, n in rows}


def post(client, body, sid, sender="+12095550100"):
    """A signed text with this MessageSid; the reply body or None."""
    root = parse_twiml(post_signed(client, "/sms", {"From": sender, "Body": body, "MessageSid": sid}))
    message = root.find("Message")
    return None if message is None else message.text


def test_a_retried_message_gets_the_same_reply_counted_once(app, client):
    first = post(client, "I need a place to stay", "SM" + "1" * 32)
    again = post(client, "I need a place to stay", "SM" + "1" * 32)
    assert again == first and "(209) 259-5552" in first
    counts = usage(app)
    assert counts[("topic", "HOUSING")] == 1
    assert counts[("language", "en")] == 1


def test_a_retried_stop_stays_silent(client):
    assert post(client, "STOP", "SM" + "2" * 32) is None
    assert post(client, "STOP", "SM" + "2" * 32) is None


def test_sids_are_stored_hashed(app, client):
    sid = "SM" + "3" * 32
    post(client, "help", sid)
    with app.app_context(), get_store().session() as session:
        ids = session.scalars(select(AnsweredMessage.id)).all()
    assert len(ids) == 1 and sid not in ids[0] and len(ids[0]) == 64


def test_reply_limit_per_sender(app_config):
    from bot import create_app

    app = create_app({**app_config, "RATE_LIMIT": 3})
    clear_of_a_window_edge(10)
    client = app.test_client()
    replies = [post(client, "help", f"SM{i:032d}") for i in range(5)]
    assert all(replies[:3]) and replies[3:] == [None, None]
    assert post(client, "help", "SM" + "9" * 32, sender="+12095550199") is not None  # another sender
    with app.app_context(), get_store().session() as session:
        assert session.scalar(select(func.max(RateWindow.count))) == 5
    assert usage(app)[("topic", "HOTLINE")] == 4  # silent replies are not counted


def test_usage_counts_topics_unmatched_and_languages(app, client, text):
    text("necesito ayuda")
    text("xyz")
    text("I am in danger, I need a shelter")
    counts = usage(app)
    assert counts[("topic", "HOTLINE")] == 1
    assert counts[("unmatched", "text")] == 1
    assert counts[("topic", "DANGER")] == 1 and counts[("topic", "HOUSING")] == 1
    assert counts[("language", "es")] == 2  # "xyz" is answered in the remembered Spanish
    assert counts[("language", "en")] == 1


def test_simulated_texts_are_not_counted(app, runner):
    runner.invoke(args=["sms", "help"])
    assert usage(app) == {}


def test_expired_rows_are_purged(app, client):
    from datetime import timedelta

    from bot.store import messages

    post(client, "help", "SM" + "4" * 32)
    with app.app_context(), get_store().session() as session:
        messages.purge(session, timedelta(hours=24))
        assert session.scalar(select(func.count()).select_from(AnsweredMessage)) == 1
        messages.purge(session, timedelta(seconds=-1))
        assert session.scalar(select(func.count()).select_from(AnsweredMessage)) == 0
        assert session.scalar(select(func.count()).select_from(RateWindow)) == 0


def test_a_batched_language_never_undoes_an_opt_out(app_config):
    from bot import create_app

    slow = create_app({**app_config, "WRITE_BATCH_SECONDS": 3600})  # instance A: writes wait
    other = create_app(app_config)  # instance B
    a, b = slow.test_client(), other.test_client()
    assert "peligro" in post(a, "ayuda", "SM" + "5" * 32)  # A keeps "es" pending
    assert post(b, "STOP", "SM" + "6" * 32) is None  # B writes the opt-out at once
    assert post(a, "?", "SM" + "7" * 32) is None  # A sees it
    slow.extensions["store"].pending.flush()
    assert post(b, "help", "SM" + "8" * 32) is None  # still opted out after A's batch
    assert "peligro" in post(b, "START", "SM" + "9" * 32).lower()  # and A's language arrived
