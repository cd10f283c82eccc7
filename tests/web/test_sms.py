"""POST /sms: signed like Twilio, replies parsed as TwiML."""
import logging
import xml.etree.ElementTree as ET

import pytest

from bot import create_app, phones
from bot.table.files import read_table
from conftest import DATA_DIR, parse_twiml, post_signed, sign

DANGER_EN = "In danger now? Call 911."
DANGER_ES = "¿En peligro? Llame al 911."


def test_help(text):
    reply = text("help")
    assert "(209) 948-1911" in reply and "(888) 373-7888" in reply
    assert reply.startswith("If you are in danger, call 911.")  # a bare cry: DANGER first, 911 said once
    assert DANGER_EN not in reply
    assert "No one reads these texts: call a number above." in reply


def test_place_to_stay(text):
    reply = text("I need a place to stay")
    assert "(209) 259-5552" in reply
    assert "(209) 948-1911" in reply  # HOUSING carries a 24/7 line too
    assert DANGER_EN in reply


def test_ayuda_gets_spanish(text):
    reply = text("ayuda")
    assert DANGER_ES not in reply  # DANGER's opening says 911, so the closing line does not repeat it
    assert "(209) 948-1911" in reply and "(888) 373-7888" in reply
    assert reply.startswith("Si está en peligro, llame al 911.")  # a bare cry for help: DANGER first (safety rule)


def test_unmatched_gets_the_keyword_menu(text):
    reply = text("xyz")
    assert "HOTLINE" in reply and "HOUSING" in reply and "FACTS" in reply and "ESPAÑOL" in reply
    assert "INFO" not in reply and "HELP" not in reply  # Twilio answers those itself: never asked for
    assert "(209) 948-1911" in reply and "(888) 373-7888" in reply
    assert DANGER_EN in reply
    assert "No one reads these texts: call a number above." in reply


@pytest.mark.parametrize("word", ["FACTS", "datos", "INFO"])  # INFO still works when Twilio lets it through
def test_facts_gets_facts_and_a_24_7_number(text, word):
    reply = text(word)
    assert "18,000-20,000" in reply and "(888) 373-7888" in reply


@pytest.mark.parametrize("body", ["", "   ", "\U0001F198\U0001F62D", "?", "x" * 1600, "help " * 320,
                                  "<Response>&amp;</Message>", "\x00\x07 control"])
def test_anything_gets_numbers(text, body):
    reply = text(body)
    assert "(888) 373-7888" in reply or "(209) 948-1911" in reply
    assert "call 911" in reply.lower() or "llame al 911" in reply.lower()  # the 911 line, or DANGER's opening


def test_missing_body_field(client):
    params = {"From": "+12095550100", "To": "+12095550000", "MessageSid": "SMx"}
    root = parse_twiml(post_signed(client, "/sms", params))
    assert "(209) 948-1911" in root.find("Message").text


def test_language_is_remembered_for_neutral_texts(text):
    assert "llame al 911" in text("ayuda", sender="+12095550111")
    assert DANGER_ES in text("?", sender="+12095550111")
    assert "Si está en peligro" in text("911", sender="+12095550111")  # DANGER, in the remembered Spanish
    assert DANGER_EN in text("?", sender="+12095550112")  # another sender


def test_language_switch(text):
    reply = text("ESPAÑOL")
    assert reply.startswith("Escriba AYUDA, VIVIENDA o DATOS.")
    assert DANGER_ES in text("?")
    assert DANGER_EN in text("ENGLISH")
    assert DANGER_EN in text("?")


def test_clear_language_wins_over_remembered(text):
    text("ayuda")
    assert DANGER_EN in text("I need a place to stay")


def test_stop_then_silence_until_start(text):
    assert text("STOP") is None
    assert text("help") is None
    assert text("ayuda") is None
    reply = text("start")
    assert "(209) 948-1911" in reply and "(888) 373-7888" in reply
    assert text("xyz") is not None


@pytest.mark.parametrize("word", ["stop", "Stop ", "STOPALL", "unsubscribe", "cancel", "end", "quit", "revoke",
                                  "optout"])
def test_opt_out_words(text, word):
    assert text(word) is None


def test_stop_inside_a_sentence_is_not_an_opt_out(text):
    assert text("please make him stop") is not None
    assert text("help") is not None


def test_opt_out_type_field(text):
    assert text("arrêtez", OptOutType="STOP") is None
    assert text("help") is None
    assert "(209) 948-1911" in text("oui", OptOutType="START")


def test_opted_out_sender_does_not_silence_others(text):
    text("stop", sender="+12095550120")
    assert text("help", sender="+12095550121") is not None


def test_unsigned_request_is_refused(client):
    response = client.post("/sms", data={"From": "+12095550100", "Body": "help"})
    assert response.status_code == 403
    assert b"<Message>" not in response.data


def test_wrong_signature_is_refused(client):
    params = {"From": "+12095550100", "Body": "help"}
    for signature in (sign("http://localhost/sms", params, token="another-token"),
                      sign("http://localhost/other", params),
                      sign("http://localhost/sms", {**params, "Body": "changed"})):
        response = client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 403


def test_no_auth_token_answers_503_and_says_why(app_config, caplog):
    app = create_app({**app_config, "TWILIO_AUTH_TOKEN": ""})
    params = {"From": "+12095550100", "Body": "help"}
    with caplog.at_level(logging.ERROR):
        response = post_signed(app.test_client(), "/sms", params)
    assert response.status_code == 503
    assert "TWILIO_AUTH_TOKEN is not set" in caplog.text
    assert app.test_client().get("/healthz").status_code == 200  # the rest of the app runs


def test_public_base_url(app_config):
    client = create_app({**app_config, "PUBLIC_BASE_URL": "https://helpline.example.org/"}).test_client()
    params = {"From": "+12095550100", "Body": "help"}
    assert post_signed(client, "/sms", params, base="https://helpline.example.org").status_code == 200
    assert post_signed(client, "/sms", params).status_code == 403


def test_proxy_fix(app_config):
    client = create_app({**app_config, "PROXY_FIX": 1}).test_client()
    params = {"From": "+12095550100", "Body": "help"}
    headers = {"X-Twilio-Signature": sign("https://tunnel.example.net/sms", params),
               "X-Forwarded-Proto": "https", "X-Forwarded-Host": "tunnel.example.net"}
    assert client.post("/sms", data=params, headers=headers).status_code == 200


def test_internal_error_gets_the_last_resort_reply(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.conversation.remembered_answers.answer", broken)  # what inbox asks for the answer
    root = parse_twiml(post_signed(client, "/sms", {"From": "+12095550100", "Body": "help"}))
    reply = root.find("Message").text
    assert "(888) 373-7888" in reply and "Call 911" in reply
    assert "sms webhook failed" in caplog.text


def test_no_table_at_all_gets_the_last_resort_reply(app_config, empty_database_url, tmp_path):
    app = create_app({**app_config, "DATABASE_URL": empty_database_url, "DATA_DIR": str(tmp_path / "missing")})
    root = parse_twiml(post_signed(app.test_client(), "/sms", {"From": "+12095550100", "Body": "help"}))
    assert "(888) 373-7888" in root.find("Message").text


def test_last_resort_numbers_match_data(app):
    table = read_table(DATA_DIR)
    with app.test_request_context():
        from flask import render_template
        body = ET.fromstring(render_template("twiml/sms/last_resort.xml")).find("Message").text
    national = table.resources["national-hotline"]
    assert phones.display(national.phone) in body
    assert national.text in body
    assert table.resources["emergency-911"].phone in body
