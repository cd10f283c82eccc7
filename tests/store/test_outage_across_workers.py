"""Two gunicorn workers on PostgreSQL, frozen and then killed: every sender's choice holds on both
workers during the outage and after it, including STOP and QUIET sent during it."""
from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text as sql

from bot.table.files import read_table
from bot.table.load_reach import forbidden_in
from conftest import AUTH_TOKEN, DATA_DIR, sign, wait_until

pytestmark = pytest.mark.once  # it starts its own PostgreSQL server
TABLE = read_table(DATA_DIR)
SIDS = itertools.count()
HOLD_SECONDS = 2  # a STOP holds on every other worker within this time


def text(base: str, sender: str, body: str) -> str | None:
    """A signed text to /sms; the reply's text (None when empty). Every reply gives 911."""
    params = {"From": sender, "To": "+12095550000", "Body": body, "MessageSid": f"SM{next(SIDS):032d}"}
    r = requests.post(f"{base}/sms", data=params, headers={"X-Twilio-Signature": sign(f"{base}/sms", params)},
                      timeout=30)
    assert r.status_code == 200, r.text
    message = ET.fromstring(r.text).find("Message")
    assert message is None or "911" in message.text, r.text
    return None if message is None else message.text


def plain_words(reply: str) -> list[str]:
    """The words of a reply that a watched phone must not show."""
    return [w for lang in TABLE.languages for w in forbidden_in(TABLE.discreet, lang, reply)]


def check(base: str, silent: list[str], discreet: list[str], rounds: int = 6) -> None:
    """Texts from every sender at once, several rounds, so both workers answer each: the silent get
    no reply, the discreet no plain word."""
    jobs = [(sender, body) for _ in range(rounds) for sender in silent + discreet
            for body in ("help", "I need a place to stay")]
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda job: (job[0], text(base, *job)), jobs))
    for sender, reply in replies:
        if sender in silent:
            assert reply is None, f"an opted-out sender was answered: {reply!r}"
        else:
            assert reply is not None and not plain_words(reply), f"plain wording to a discreet sender: {reply!r}"


def test_choices_hold_on_both_workers_through_a_frozen_then_killed_database(postgres, gunicorn, tmp_path):
    base = gunicorn({"DATABASE_URL": postgres.url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "s",
                     "SENDER_HASH_KEY": "outage-key", "PUBLIC_BASE_URL": "", "PROXY_FIX": "0",
                     "DATA_DIR": str(DATA_DIR), "SENDER_REFRESH_SECONDS": "1",
                     "RATE_LIMIT": "1000"})  # many texts per sender here: the reply limit is not what is tested
    stopped, quiet = "+12095550101", "+12095550102"
    assert text(base, stopped, "STOP") is None
    assert text(base, quiet, "QUIET") is not None
    assert text(base, "+12095550103", "help") is not None
    time.sleep(HOLD_SECONDS)
    check(base, [stopped], [quiet])

    silent, discreet = [stopped], [quiet]
    for outage, sender_stop, sender_quiet in ((postgres.freeze, "+12095550201", "+12095550202"),
                                              (postgres.kill, "+12095550301", "+12095550302")):
        outage()
        try:
            check(base, silent, discreet, rounds=3)
            assert text(base, sender_stop, "STOP") is None
            quiet_reply = text(base, sender_quiet, "QUIET")
            assert quiet_reply is not None and not plain_words(quiet_reply)
            silent, discreet = silent + [sender_stop], discreet + [sender_quiet]
            time.sleep(HOLD_SECONDS)
            check(base, silent, discreet, rounds=3)
        finally:
            postgres.thaw() if outage == postgres.freeze else postgres.start()
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=10).status_code == 200,
                   "the bot did not find the database again")
        check(base, silent, discreet)

    engine = create_engine(postgres.url)

    def stored() -> tuple[int, int]:
        with engine.connect() as connection:
            return (connection.execute(sql("SELECT count(*) FROM sender WHERE opted_out")).scalar(),
                    connection.execute(sql("SELECT count(*) FROM sender WHERE discreet")).scalar())

    wait_until(lambda: stored() == (3, 3), "the choices made during the outages were not all written", seconds=10)
    engine.dispose()
