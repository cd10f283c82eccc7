"""The /voice webhooks, walked as Twilio walks them: every request signed, every response parsed."""
import logging
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import create_app
from bot.web import voice
from bot.store.models import Sender
from bot.table.model import TIMEZONE
from bot.table.load_reach import forbidden_in
from conftest import DATA_DIR, parse_twiml, post_signed, sign

CALLER = "+12095550100"
WOMENS, CHEST, NATIONAL = "+12099481911", "+12092595552", "+18883737888"
NATIONAL_SPOKEN = "(888) 373-7888"
SPOKEN = {WOMENS: "(209) 948-1911", CHEST: "(209) 259-5552", NATIONAL: NATIONAL_SPOKEN}
VERBS = {"Say", "Pause", "Gather", "Redirect", "Dial", "Hangup"}
SAY_TAGS = {"say-as", "prosody"}


def check_twiml(root):
    """TwiML's nesting rules: known verbs; a Gather holds only Say, Play and Pause; the call never just stops."""
    for verb in root:
        assert verb.tag in VERBS, verb.tag
        if verb.tag == "Gather":
            assert {c.tag for c in verb} <= {"Say", "Play", "Pause"}
            assert verb.get("input") == "dtmf speech" and verb.get("numDigits") == "1"
            assert verb.get("finishOnKey") == "" and verb.get("method") == "POST"
        for say in verb.iter("Say"):
            assert say.get("voice", "").startswith("Polly.")
            assert {e.tag for e in say.iter()} - {"Say"} <= SAY_TAGS
            for e in say.iter("say-as"):
                assert e.get("interpret-as") == "telephone"
    last = root[-1].tag
    assert last in ("Redirect", "Dial", "Hangup"), last
    if last == "Redirect":
        assert root[-2].tag == "Gather" and root[-1].text == root[-2].get("action")


def spoken_numbers(root) -> list[str]:
    """Numbers read with say-as telephone, in order."""
    return [e.text for e in root.iter("say-as")]


def said(root) -> str:
    """Everything said, as one text."""
    return " ".join("".join(s.itertext()) for s in root.iter("Say"))


class Call:
    """One phone call, following the TwiML as Twilio does."""

    def __init__(self, client, base="http://localhost"):
        self.client, self.base, self.root = client, base, None
        self.params = {"CallSid": "CA" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": CALLER,
                       "Caller": CALLER, "To": "+12095550000", "Direction": "inbound", "CallStatus": "in-progress"}

    def post(self, url: str, **extra):
        """POST to ``url`` (a path from the TwiML) signed as Twilio signs it; keep the parsed reply."""
        assert url.startswith("/"), url
        self.root = parse_twiml(post_signed(self.client, url, {**self.params, **extra}, base=self.base))
        check_twiml(self.root)
        return self.root

    def start(self):
        return self.post("/voice")

    def press(self, key: str):
        return self.post(self.root.find("Gather").get("action"), Digits=key)

    def say(self, speech: str):
        return self.post(self.root.find("Gather").get("action"), SpeechResult=speech, Confidence="0.91")

    def silence(self):
        return self.post(self.root.find("Redirect").text)

    def dial_ends(self, status: str):
        return self.post(self.root.find("Dial").get("action"), DialCallStatus=status, DialCallDuration="0")

    @property
    def dialing(self) -> str | None:
        dial = self.root.find("Dial")
        return dial.text.strip() if dial is not None else None

    @property
    def language(self) -> str:
        return self.root.find("Gather").get("language")


@pytest.fixture
def call(client):
    c = Call(client)
    c.start()
    return c


def test_the_call_opens_with_the_danger_prompts_and_the_english_menu(call):
    gather = call.root.find("Gather")
    assert call.language == "en-US" and gather.get("timeout") == "6"
    says = gather.findall("Say")
    assert (says[0].get("voice"), says[0].text) == ("Polly.Joanna", "If you are in immediate danger, hang up and call 911.")
    assert (says[1].get("voice"), says[1].get("language")) == ("Polly.Mia", "es-MX")
    assert says[1].text == "Si está en peligro inmediato, cuelgue y llame al 911. Para español, oprima 9."
    assert "press 1" in says[2].text and "interpreters" in says[2].text
    assert {"housing", "national hotline", "spanish"} <= set(gather.get("hints").split(", "))


@pytest.mark.parametrize("key, number, spoken", [("1", WOMENS, "(209) 948-1911"), ("2", CHEST, "(209) 259-5552"),
                                                 ("3", NATIONAL, NATIONAL_SPOKEN)])
def test_a_key_connects_after_saying_name_and_number(call, key, number, spoken):
    call.press(key)
    assert call.dialing == number
    assert spoken_numbers(call.root) == [spoken]
    assert said(call.root).startswith("Connecting you to")
    assert call.root.find("Dial").get("timeout")


@pytest.mark.parametrize("key", ["1", "2"])
@pytest.mark.parametrize("status, words", [("busy", "is busy"), ("no-answer", "did not answer"),
                                           ("failed", "did not go through")])
def test_a_line_that_does_not_answer_falls_back_to_the_national_hotline(call, key, status, words):
    call.press(key)
    call.dial_ends(status)
    assert call.dialing == NATIONAL and words in said(call.root)
    assert spoken_numbers(call.root) == [NATIONAL_SPOKEN]
    call.dial_ends(status)
    assert call.root[-1].tag == "Hangup" and NATIONAL_SPOKEN in spoken_numbers(call.root)


@pytest.mark.parametrize("key", ["1", "2"])
def test_a_canceled_call_is_not_redialed(call, key):
    call.press(key)
    call.dial_ends("canceled")
    assert call.root[-1].tag == "Hangup" and call.dialing is None
    assert NATIONAL_SPOKEN in spoken_numbers(call.root)  # a caller still on the line hears the 24/7 numbers


@pytest.mark.parametrize("key", ["1", "2", "3"])
def test_a_completed_call_ends_politely(call, key):
    call.press(key)
    call.dial_ends("completed")
    assert call.root[-1].tag == "Hangup" and said(call.root) == "Thank you for calling. Goodbye."


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed"])
def test_when_the_national_hotline_fails_every_number_is_read(call, status):
    call.press("3")
    call.dial_ends(status)
    assert call.root[-1].tag == "Hangup" and call.dialing is None
    assert spoken_numbers(call.root) == ["(209) 948-1911", "(209) 259-5552", NATIONAL_SPOKEN]


def test_4_reads_the_numbers_slowly_then_the_menu(call):
    call.press("4")
    assert spoken_numbers(call.root) == ["(209) 948-1911", "(209) 259-5552", NATIONAL_SPOKEN]
    assert call.root.find("Gather") is not None and call.root.find("Pause") is not None
    assert all(s.find("prosody") is not None for s in call.root.findall("Say") if s.find(".//say-as") is not None)
    call.press("2")
    assert call.dialing == CHEST


@pytest.mark.parametrize("key", ["0", "*"])
def test_0_and_star_repeat_the_menu(call, key):
    first = said(call.root)
    call.press(key)
    assert said(call.root) == first and call.language == "en-US"


@pytest.mark.parametrize("key", ["5", "6", "7", "8", "#"])
def test_any_other_key_is_not_an_option(call, key):
    call.press(key)
    assert said(call.root).startswith("Sorry, that is not an option. If you are in immediate danger")
    call.press("3")
    assert call.dialing == NATIONAL


def test_three_rounds_of_silence_end_with_the_24_hour_numbers(call):
    call.silence()
    call.silence()
    assert call.root.find("Gather") is not None
    call.silence()
    assert call.root[-1].tag == "Hangup"
    assert said(call.root).startswith("We did not get a choice. Here are the 24-hour numbers.")
    assert spoken_numbers(call.root) == ["(209) 948-1911", NATIONAL_SPOKEN]


def test_wrong_keys_and_silence_count_together(call):
    call.press("5")
    call.silence()
    call.press("#")
    assert call.root[-1].tag == "Hangup" and NATIONAL_SPOKEN in spoken_numbers(call.root)


@pytest.mark.parametrize("speech, number", [("Housing.", CHEST), ("The national hotline.", NATIONAL),
                                            ("I need help, please.", WOMENS), ("One.", WOMENS)])
def test_a_spoken_choice(call, speech, number):
    call.say(speech)
    assert call.dialing == number


def test_the_spanish_path(call):
    call.press("9")
    assert call.language == "es-MX"
    assert {"vivienda", "ayuda", "english"} <= set(call.root.find("Gather").get("hints").split(", "))
    says = call.root.find("Gather").findall("Say")
    assert says[0].get("voice") == "Polly.Mia" and says[0].text.startswith("Si está en peligro inmediato")
    assert says[-1].get("voice") == "Polly.Mia" and "oprima 1" in says[-1].text
    assert any("For English, press 8." in s.text for s in says)
    call.press("7")
    assert said(call.root).startswith("Lo siento, esa no es una opción.") and call.language == "es-MX"
    call.press("0")
    assert call.language == "es-MX"
    call.say("vivienda")
    assert call.dialing == CHEST and said(call.root).startswith("Le comunicamos con")
    assert all(s.get("voice") == "Polly.Mia" for s in call.root.iter("Say"))
    call.dial_ends("no-answer")
    assert call.dialing == NATIONAL and "no contestó" in said(call.root)
    call.dial_ends("busy")
    assert call.root[-1].tag == "Hangup" and all(s.get("voice") == "Polly.Mia" for s in call.root.iter("Say"))
    assert NATIONAL_SPOKEN in spoken_numbers(call.root) and said(call.root).endswith("Gracias por llamar. Adiós.")


def test_spanish_keys_and_back_to_english(call):
    call.press("9")
    call.say("ayuda")
    assert call.dialing == WOMENS
    call.dial_ends("completed")
    assert said(call.root) == "Gracias por llamar. Adiós."
    call.start()
    call.press("9")
    call.press("9")
    assert said(call.root).startswith("Lo siento")
    call.press("8")
    assert call.language == "en-US" and said(call.root).startswith("If you are in immediate danger")


def test_three_silent_rounds_in_spanish(call):
    call.press("9")
    for _ in range(3):
        call.silence()
    assert call.root[-1].tag == "Hangup" and said(call.root).startswith("No marcó ninguna opción.")


def test_every_path_of_the_default_menu_ends_in_a_dial_or_the_national_hotline(client):
    """Explore every menu state with every input and every Dial outcome, as Twilio would."""
    call, seen, todo, ends = Call(client), set(), [("/voice", {})], 0
    inputs = [{"Digits": k} for k in "0123456789*#"] + [{}, {"SpeechResult": "housing"},
                                                         {"SpeechResult": "la línea nacional"}]
    while todo:
        url, params = todo.pop()
        root = call.post(url, **params)
        last = root[-1]
        if last.tag == "Hangup":
            assert NATIONAL_SPOKEN in spoken_numbers(root) or said(root).endswith(("Goodbye.", "Adiós."))
            ends += 1
        elif last.tag == "Dial":
            assert spoken_numbers(root)[-1] == SPOKEN[last.text.strip()]  # said before it is dialed
            nxt = [(last.get("action"), {"DialCallStatus": s}) for s in ("completed", "busy", "no-answer", "failed")]
        else:
            nxt = [(root.find("Gather").get("action"), p) for p in inputs]
        if last.tag != "Hangup":
            for step in nxt:
                key = (step[0], tuple(sorted(step[1].items())))
                if key not in seen:
                    seen.add(key)
                    todo.append(step)
    actions = {url for url, _ in seen}
    assert {"/voice/choice?lang=es&round=3", "/voice/dialed?lang=es&resource=national-hotline"} <= actions
    assert len(actions) == 2 * 3 + 2 * 3  # every menu round and every line, in both languages
    assert ends > 20


def test_unsigned_or_tampered_requests_are_refused(client):
    assert client.post("/voice", data={"CallSid": "CA1"}).status_code == 403
    headers = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert client.post("/voice/choice?lang=en&round=1", data={"Digits": "1"}, headers=headers).status_code == 403
    signature = sign("http://localhost/voice/choice?lang=en&round=1", {"Digits": "1"})
    tampered = client.post("/voice/choice?lang=en&round=3", data={"Digits": "1"},
                           headers={"X-Twilio-Signature": signature})
    assert tampered.status_code == 403


def test_no_auth_token_means_503(app_config):
    app = create_app({**app_config, "TWILIO_AUTH_TOKEN": ""})
    assert post_signed(app.test_client(), "/voice", {"CallSid": "CA1"}).status_code == 503
    app.extensions["store"].close()


def test_signed_query_strings_behind_a_public_url(app_config):
    app = create_app({**app_config, "PUBLIC_BASE_URL": "https://helpline.example.org/"})
    call = Call(app.test_client(), base="https://helpline.example.org")
    call.start()
    call.press("9")
    assert call.language == "es-MX"
    app.extensions["store"].close()


def test_last_resort_on_any_error(call, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(voice.menu, "choose", broken)
    root = call.press("1")
    assert root.find("Dial").text.strip() == NATIONAL and NATIONAL_SPOKEN in spoken_numbers(root)


def test_last_resort_without_any_table(app_config, empty_database_url, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = create_app({**app_config, "DATABASE_URL": empty_database_url, "DATA_DIR": str(empty),
                      "LOAD_DATA_IF_EMPTY": False})
    call = Call(app.test_client())
    root = call.start()
    assert root.find("Dial").text.strip() == NATIONAL and NATIONAL_SPOKEN in spoken_numbers(root)
    assert call.post("/voice/dialed?lang=en&resource=x", DialCallStatus="busy").find("Dial") is not None
    app.extensions["store"].close()


def test_the_last_resort_numbers_match_the_data(app):
    national = app.extensions["store"].snapshot().table.resources["national-hotline"]
    template = (Path(app.template_folder) / "twiml/voice/last_resort.xml").read_text(encoding="utf-8")
    assert national.phone in template and "(888) 373-7888" in template
    table = app.extensions["store"].snapshot().table
    said = "".join(parse_twiml_text(template).itertext())
    for language in table.languages:  # it may be overheard on a watched phone: no subject named
        assert forbidden_in(table.discreet, language, said) == []


def parse_twiml_text(template: str):
    """The template's TwiML without its Jinja comment, parsed."""
    import xml.etree.ElementTree as ET
    return ET.fromstring(template.split("-#}", 1)[1].strip().encode("utf-8"))


def test_a_closed_line_is_not_dialed(app_config, empty_database_url, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    resources = (data / "resources.yaml").read_text(encoding="utf-8")
    (data / "resources.yaml").write_text(resources.replace(
        "phone: (209) 259-5552\n  hours: unknown", 'phone: (209) 259-5552\n  hours: {mon-fri: "09:00-17:00"}'))
    app = create_app({**app_config, "DATABASE_URL": empty_database_url, "DATA_DIR": str(data)})
    monkeypatch.setattr(voice, "_now", lambda: datetime(2026, 11, 28, 12, 0, tzinfo=TIMEZONE))  # a Saturday
    call = Call(app.test_client())
    call.start()
    call.press("2")
    assert call.dialing == NATIONAL
    assert said(call.root).startswith("The Chest of Hope Helpline is closed now. It opens on Monday at 9 AM")
    app.extensions["store"].close()


def test_the_callers_number_is_never_stored_or_logged(call, app, caplog):
    caplog.set_level(logging.DEBUG)
    call.press("5")
    call.say("housing")
    call.dial_ends("busy")
    assert CALLER not in caplog.text and CALLER[2:] not in caplog.text
    with app.extensions["store"].session() as session:
        assert session.scalar(select(func.count()).select_from(Sender)) == 0


def test_an_sms_opt_out_never_affects_calls(client, text):
    assert text("STOP", sender=CALLER) is None
    call = Call(client)
    call.start()
    call.press("1")
    assert call.dialing == WOMENS


def test_the_menu_survives_the_database_round_trip(app):
    snapshot = app.extensions["store"].snapshot()
    assert snapshot.version is not None and snapshot.table.fallback == "national-hotline"
    assert "national hotline" in snapshot.table.menu[2].keywords["en"]
