"""bot/web/textback.py and /voice/text: the numbers by text during a call, against a local fake of
Twilio's Messages endpoint; the caller's number is used for that one request and kept nowhere."""
from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import create_engine, inspect, text as sql

from bot import create_app
from bot.table.files import read_table
from bot.web import textback
from conftest import DATA_DIR, parse_twiml, post_signed

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
