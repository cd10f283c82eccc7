"""bot/web/textback.py and /voice/text: the numbers by text during a call, against a local fake of
Twilio's Messages endpoint; the caller's number is used for that one request and kept nowhere; the
limits per caller and day, per hour and per country hold, across workers too."""
from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import requests
from sqlalchemy import create_engine, inspect, text as sql

from bot import create_app
from bot.phones import sender_hash
from bot.store import reports
from bot.table.files import read_table
from bot.web import textback
from conftest import AUTH_TOKEN, DATA_DIR, parse_twiml, post_signed, sign

SID = "AC" + "2" * 32
CALLER, CALLED = "+12095550147", "+12095550199"
TABLE = read_table(DATA_DIR)
ALWAYS_OPEN = ["(209) 948-1911", "(888) 373-7888"]


@pytest.fixture
def fake_twilio(local_api):
    """Twilio's Messages endpoint on 127.0.0.1: records each request; ``mode`` says how it answers
    ("slow": it holds the request until the test ends)."""
    state = {"seen": [], "mode": "ok", "release": threading.Event()}

    def answer(request):
        state["seen"].append(request)
        if state["mode"] == "slow":
            state["release"].wait(30)
        to = request["form"]["To"]
        if state["mode"] == "stop":  # Twilio's answer to a number that texted STOP: it names the number
            return 400, {"code": 21610, "status": 400, "more_info": "https://www.twilio.com/docs/errors/21610",
                         "message": f"Attempt to send to unsubscribed recipient {to}"}
        return 201, {"sid": "SM" + "3" * 32, "status": "queued", "to": to}

    state["base"] = local_api(answer)
    yield state
    state["release"].set()


@pytest.fixture
def texting_app(app_config, fake_twilio):
    app = create_app({**app_config, "TWILIO_ACCOUNT_SID": SID, "TWILIO_API_BASE_URL": fake_twilio["base"]})
    yield app
    app.extensions["store"].close()


def call(client, path, caller=CALLER, **form):
    """One signed voice request of a call from ``caller`` to the helpline."""
    params = {"CallSid": "CA" + "4" * 32, "AccountSid": SID, "From": caller, "To": CALLED, **form}
    return parse_twiml(post_signed(client, path, params))


def said(root) -> str:
    """Everything the caller hears, as one text."""
    return " ".join("".join(say.itertext()) for say in root.iter("Say"))


def press(client, *keys, caller=CALLER):
    """Start a call and press ``keys`` one after the other, following each step's action URL."""
    root = call(client, "/voice", caller)
    for key in keys:
        action = root.find("Gather").get("action")
        root = call(client, action, caller, Digits=key)
    return root


def test_five_then_one_sends_one_text_from_the_called_number_to_the_caller(texting_app, fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    client = texting_app.test_client()
    root = call(client, "/voice")
    assert "press 5" in said(root)
    warning = press(client, "5")
    assert "will appear on this phone" in said(warning) and "press 1" in said(warning)
    assert CALLER not in warning.find("Gather").get("action")
    after = press(client, "5", "1")
    assert len(fake_twilio["seen"]) == 1
    request = fake_twilio["seen"][0]
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["form"]["To"] == CALLER and request["form"]["From"] == CALLED
    body = request["form"]["Body"]
    assert "911" in body and all(number in body for number in ALWAYS_OPEN)
    assert not [w for lang in TABLE.discreet.forbidden.values() for w in lang if w.lower() in body.lower().split()]
    assert "trafficking" not in body.lower()
    assert "was sent" in said(after) and after.find("Gather") is not None  # back at the menu
    digits = CALLER[2:]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert digits not in logged
    engine = create_engine(texting_app.config["DATABASE_URL"])
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(sql(f'SELECT * FROM "{table}"')):
                assert digits not in str(tuple(row)), table
    engine.dispose()


def test_the_spanish_menu_sends_the_spanish_numbers(texting_app, fake_twilio):
    client = texting_app.test_client()
    after = press(client, "9", "5", "1")
    body = fake_twilio["seen"][0]["form"]["Body"]
    assert "Llame al 911" in body and "fue enviado" in said(after)


def test_any_other_key_returns_to_the_menu_without_a_text(texting_app, fake_twilio):
    root = press(texting_app.test_client(), "5", "7")
    assert fake_twilio["seen"] == [] and "press 5" in said(root)


def test_silence_at_the_warning_returns_to_the_menu(texting_app, fake_twilio):
    client = texting_app.test_client()
    warning = press(client, "5")
    root = call(client, warning.find("Redirect").text)
    assert fake_twilio["seen"] == [] and "press 5" in said(root)


def test_a_refused_text_reads_the_numbers_and_logs_no_number(texting_app, fake_twilio, caplog):
    fake_twilio["mode"] = "stop"
    caplog.set_level(logging.DEBUG)
    root = press(texting_app.test_client(), "5", "1")
    heard = said(root)
    assert "could not be sent" in heard and all(n in heard for n in ALWAYS_OPEN)
    assert heard.count("Here are the numbers") == 1  # said once, not in the apology and again before the numbers
    assert root.find(".//prosody[@rate='slow']") is not None
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "21610" in logged and CALLER[2:] not in logged and "unsubscribed" not in logged


def test_no_answer_in_time_reads_the_numbers(texting_app, fake_twilio, monkeypatch):
    fake_twilio["mode"] = "slow"
    monkeypatch.setattr(textback, "TIMEOUT_SECONDS", 0.3)
    root = press(texting_app.test_client(), "5", "1")
    assert len(fake_twilio["seen"]) == 1  # asked once; Twilio holds it until the test ends, the caller is not kept waiting
    assert "could not be sent" in said(root) and all(n in said(root) for n in ALWAYS_OPEN)


@pytest.mark.parametrize("caller", ["anonymous", "+266696687", "Restricted", "", "client:alice", "sip:x@example.org"])
def test_not_offered_to_anonymous_or_unknown_callers(texting_app, fake_twilio, caller):
    client = texting_app.test_client()
    root = call(client, "/voice", caller)
    assert "press 5" not in said(root)
    action = root.find("Gather").get("action")
    after = call(client, action, caller, Digits="5")
    assert "will appear on this phone" not in said(after) and "not an option" in said(after)
    after = call(client, "/voice/text?lang=en", caller, Digits="1")  # even straight to the confirming step
    assert fake_twilio["seen"] == []


def test_not_offered_without_an_account(client):
    root = call(client, "/voice")
    assert "press 5" not in said(root)
    assert "will appear on this phone" not in said(call(client, "/voice/choice?lang=en&round=1", Digits="5"))


def test_the_confirming_step_is_signed(texting_app, fake_twilio):
    response = texting_app.test_client().post("/voice/text?lang=en", data={"From": CALLER, "To": CALLED, "Digits": "1"})
    assert response.status_code == 403 and fake_twilio["seen"] == []


def confirm(client, root, caller=CALLER):
    """From the menu ``root``: 5, then 1 at the warning; the menu that follows."""
    warning = call(client, root.find("Gather").get("action"), caller, Digits="5")
    assert "will appear on this phone" in said(warning)
    return call(client, warning.find("Gather").get("action"), caller, Digits="1")


def usage(app, kind):
    """The usage counts of ``kind`` today, as the console's usage page reads them: key -> count."""
    store = app.extensions["store"]
    store.pending.flush()
    with store.session() as session:
        return {key: n for _, k, key, n in reports.daily(session, date(2000, 1, 1), date(2100, 1, 1)) if k == kind}


def test_twelve_confirmations_from_one_caller_send_three_texts(texting_app, fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    client = texting_app.test_client()
    heard, root = [], call(client, "/voice")
    for _ in range(12):
        root = confirm(client, root)
        heard.append(said(root))
    assert len(fake_twilio["seen"]) == 3 and {r["form"]["To"] for r in fake_twilio["seen"]} == {CALLER}
    assert all("was sent" in h for h in heard[:3])
    for h in heard[3:]:  # past the limit: already sent, and the numbers read slowly
        assert "was already sent" in h and "could not be sent" not in h and all(n in h for n in ALWAYS_OPEN)
    assert root.find(".//prosody[@rate='slow']") is not None and root.find("Gather") is not None
    again = call(client, "/voice")  # another call from the same number, the same day
    assert "was already sent" in said(confirm(client, again)) and len(fake_twilio["seen"]) == 3
    assert usage(texting_app, "textback") == {"sent": 3, "refused: caller's day": 10}
    assert usage(texting_app, "menu")["en text -> limited"] == 10
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged.count("the numbers were texted during a call") == 3
    assert logged.count("not sent: this caller had 3 today") == 10
    caller_hash = sender_hash(CALLER, texting_app.config["SENDER_HASH_KEY"].encode())
    assert CALLER[2:] not in logged and caller_hash not in logged


def test_each_caller_has_texts_of_their_own(texting_app, fake_twilio):
    client = texting_app.test_client()
    for caller in ("+12095550101", "+12095550102", "+15062345678"):  # +1 506: Canada
        root = call(client, "/voice", caller)
        for _ in range(4):
            root = confirm(client, root, caller)
    assert sorted(r["form"]["To"] for r in fake_twilio["seen"]) == ["+12095550101"] * 3 + ["+12095550102"] * 3 \
        + ["+15062345678"] * 3


@pytest.mark.parametrize("caller", ["+447400123456", "+8823421234", "+37251234567", "+522221234567"])
def test_callers_outside_north_america_get_no_text(texting_app, fake_twilio, caller):
    client = texting_app.test_client()
    root = call(client, "/voice", caller)
    assert "press 5" not in said(root)
    after = call(client, root.find("Gather").get("action"), caller, Digits="5")
    assert "will appear on this phone" not in said(after)
    for _ in range(3):  # even straight to the confirming step
        after = call(client, "/voice/text?lang=en", caller, Digits="1")
        assert "could not be sent" in said(after) and all(n in said(after) for n in ALWAYS_OPEN)
    assert fake_twilio["seen"] == []
    assert usage(texting_app, "textback") == {"refused: not offered": 3}


def test_a_country_listed_in_the_setting_is_texted(app_config, fake_twilio):
    app = create_app({**app_config, "TWILIO_ACCOUNT_SID": SID, "TWILIO_API_BASE_URL": fake_twilio["base"],
                      "TEXTBACK_COUNTRY_CODES": frozenset({1, 44})})
    uk, estonia = "+447400123456", "+37251234567"
    try:
        client = app.test_client()
        assert "press 5" in said(call(client, "/voice", uk)) and "press 5" not in said(call(client, "/voice", estonia))
        assert "was sent" in said(confirm(client, call(client, "/voice", uk), uk))
        call(client, "/voice/text?lang=en", estonia, Digits="1")
    finally:
        app.extensions["store"].close()
    assert [r["form"]["To"] for r in fake_twilio["seen"]] == [uk]


def test_the_hourly_cap_holds_for_every_caller_together(app_config, fake_twilio, caplog):
    app = create_app({**app_config, "TWILIO_ACCOUNT_SID": SID, "TWILIO_API_BASE_URL": fake_twilio["base"],
                      "TEXTBACK_PER_HOUR": 2})
    caplog.set_level(logging.INFO)
    try:
        client = app.test_client()
        heard = [said(confirm(client, call(client, "/voice", f"+1209555020{i}"), f"+1209555020{i}")) for i in range(5)]
        counted = usage(app, "textback")
    finally:
        app.extensions["store"].close()
    assert len(fake_twilio["seen"]) == 2
    assert all("was sent" in h for h in heard[:2])
    for h in heard[2:]:  # not this caller's doing: not "already sent", but the numbers all the same
        assert "could not be sent" in h and "already" not in h and all(n in h for n in ALWAYS_OPEN)
    assert counted == {"sent": 2, "refused: hourly limit": 3}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "2 were sent this hour (TEXTBACK_PER_HOUR)" in logged and "+1209555020" not in logged


def test_a_text_twilio_refuses_still_counts_and_logs_its_code(texting_app, fake_twilio):
    fake_twilio["mode"] = "stop"
    client = texting_app.test_client()
    root = call(client, "/voice")
    for _ in range(4):
        root = confirm(client, root)
    assert len(fake_twilio["seen"]) == 3  # each asked of Twilio counts: no endless retries at Twilio
    assert usage(texting_app, "textback") == {"failed: Twilio error 21610": 3, "refused: caller's day": 1}


def test_no_text_when_the_limits_cannot_be_checked(app_config, fake_twilio, tmp_path, caplog):
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'helpline.db'}"
    app = create_app({**app_config, "DATABASE_URL": url, "TWILIO_ACCOUNT_SID": SID,
                      "TWILIO_API_BASE_URL": fake_twilio["base"]})
    caplog.set_level(logging.INFO)
    try:
        client = app.test_client()
        root = call(client, "/voice")
        folder.rename(tmp_path / "gone")  # the database can no longer be opened
        app.extensions["store"].engine.dispose()
        after = confirm(client, root)
    finally:
        app.extensions["store"].close()
    assert fake_twilio["seen"] == []
    assert "could not be sent" in said(after) and all(n in said(after) for n in ALWAYS_OPEN)
    assert "the limits could not be checked" in "\n".join(r.getMessage() for r in caplog.records)


def test_the_limits_hold_across_gunicorn_workers(database_url, fake_twilio, gunicorn):
    base = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_ACCOUNT_SID": SID,
                     "TWILIO_API_BASE_URL": fake_twilio["base"], "SECRET_KEY": "s", "SENDER_HASH_KEY": "k",
                     "TEXTBACK_PER_HOUR": "5"})
    session = requests.Session()

    def step(path, caller, digits=None):
        params = {"CallSid": "CA" + "5" * 32, "AccountSid": SID, "From": caller, "To": CALLED,
                  **({"Digits": digits} if digits else {})}
        response = session.post(base + path, data=params, headers={"X-Twilio-Signature": sign(base + path, params)},
                                timeout=30)
        assert response.status_code == 200
        return ET.fromstring(response.content)

    for caller in (CALLER, CALLER, "+12095550148", "+12095550149"):
        for _ in range(6):  # 24 confirmations, each on whichever worker takes it
            step("/voice/text?lang=en", caller, "1")
    sent = [r["form"]["To"] for r in fake_twilio["seen"]]
    assert len(sent) == 5 and sent.count(CALLER) == 3
