"""A hung database: PostgreSQL frozen with SIGSTOP still gets every text answered within seconds,
and the bot finds the database again by itself when it resumes; the breaker on its own."""
from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, text as sql

from bot import create_app
from bot.phones import display
from bot.store.breaker import Breaker, DatabaseUnavailable
from bot.table.load_reach import forbidden_in
from conftest import parse_twiml, post_signed, wait_until

def _texter(client, sender: str):
    """Send a signed text; the reply (None when empty) and how long it took."""
    counter = iter(range(10**6))

    def send(body: str) -> tuple[str | None, float]:
        params = {"From": sender, "To": "+12095550000", "Body": body, "MessageSid": f"SM{sender[-4:]}{next(counter):028d}"}
        began = time.monotonic()
        root = parse_twiml(post_signed(client, "/sms", params))
        message = root.find("Message")
        return (message.text if message is not None else None), time.monotonic() - began

    return send


def test_frozen_postgres_every_text_answered_then_recovers(postgres, app_config):
    url = postgres.url
    app = create_app({**app_config, "DATABASE_URL": url, "WRITE_BATCH_SECONDS": 0, "TABLE_REFRESH_SECONDS": 0})
    store = app.extensions["store"]
    table = store.snapshot().table
    always = [display(r.phone) for r in table.lines_24_7()]
    client = app.test_client()
    alice, bob = _texter(client, "+12095550111"), _texter(client, "+12095550122")
    carol = _texter(client, "+12095550133")
    assert alice("help")[0] is not None  # the database works before
    assert table.discreet.messages["es"]["delete"] in carol("discreto por favor")[0]  # carol's phone is read
    delete = {table.discreet.messages[lang]["delete"] for lang in table.languages}

    postgres.freeze()
    try:
        for body in ("I need a place to stay", "hola", "asdfgh", "help"):
            reply, took = alice(body)
            assert took < 5, f"{body!r} took {took:.1f} s"
            assert "911" in reply and any(number in reply for number in always), reply
            assert any(line in reply for line in delete), reply  # nobody's state is known: discreet for all
        for body in ("necesito un lugar para dormir", "me quitaron mis papeles", "help", "?"):
            reply, took = carol(body)
            assert took < 5 and "911" in reply and any(number in reply for number in always), reply
            assert not [w for lang in table.languages for w in forbidden_in(table.discreet, lang, reply)], reply
        reply, took = bob("STOP")
        assert reply is None and took < 5
        reply, took = bob("help")  # the opt-out is kept in the spool, so still silent
        assert reply is None and took < 5
        began = time.monotonic()
        call = parse_twiml(post_signed(client, "/voice", {"CallSid": "CA1"}))
        assert time.monotonic() - began < 5 and call.find(".//Say") is not None
        began = time.monotonic()
        assert client.get("/healthz").status_code == 503
        assert time.monotonic() - began < 5
    finally:
        postgres.thaw()

    wait_until(lambda: client.get("/healthz").status_code == 200,  # the probe finds it again by itself
               "the bot did not find the database again")
    # then, on the probe's thread, the spooled STOP is written and forgotten
    wait_until(lambda: json.loads(store.spool.path.read_text()) == {}, "the spooled STOP was not written")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sql("SELECT count(*) FROM sender WHERE opted_out")).scalar() == 1
    engine.dispose()
    reply, took = alice("shelter")
    assert reply is not None and took < 5
    assert not any(line in reply for line in delete)  # the outage's discreet default was never stored
    assert any(line in carol("shelter")[0] for line in delete)  # carol's choice was
    assert bob("help")[0] is None  # still opted out, now from the database
    store.close()


def test_breaker_bounds_a_hung_call_and_recovers():
    healthy = threading.Event()
    recovered = threading.Event()

    def probe():
        if not healthy.is_set():
            raise OSError("still down")

    breaker = Breaker(probe, deadline=0.3, probe_seconds=0.05, on_recover=recovered.set)
    assert breaker.call(lambda x: x + 1, 1) == 2
    hang = threading.Event()
    with pytest.raises(DatabaseUnavailable):  # unbounded, it would return True after 30 s
        breaker.call(hang.wait, 30)  # a call that hangs
    assert breaker.is_open
    called = []
    with pytest.raises(DatabaseUnavailable):  # open: the call is not even tried
        breaker.call(called.append, 1)
    assert called == []
    healthy.set()
    assert recovered.wait(5)
    assert not breaker.is_open and breaker.call(lambda: "ok") == "ok"
    hang.set()


def test_a_closed_breaker_refuses_calls_and_ends_its_threads():
    breaker = Breaker(lambda: None, deadline=5)
    assert [breaker.call(lambda x: x * 2, n) for n in range(3)] == [0, 2, 4]
    threads = list(breaker.workers.threads)
    assert threads and all(t.is_alive() for t in threads)
    breaker.close()
    for thread in threads:
        thread.join(5)
    assert not any(t.is_alive() for t in threads)
    with pytest.raises(DatabaseUnavailable):
        breaker.call(lambda: "too late")
