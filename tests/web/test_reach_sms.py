"""/sms: discreet replies remembered per sender (at once, on retries), other languages,
and WhatsApp senders, who share an SMS sender's state and have no segment budget."""
from __future__ import annotations

from sqlalchemy import select

from bot import create_app
from bot.conversation.segments import segments
from bot.store.models import Sender
from conftest import parse_twiml, post_signed

PHONE = "+12095550166"
WHATSAPP = f"whatsapp:{PHONE}"


def watched(reply: str) -> bool:
    """True when a reply gives the subject away."""
    return any(word in reply.lower() for word in ("trafficking", "victim", "trata", "víctima"))


def discreet(reply: str) -> bool:
    """True for a reply in discreet wording (it ends by saying the conversation can be deleted)."""
    return "delete this conversation" in reply or "borrar esta conversación" in reply


def test_he_reads_my_texts_then_help(text):
    first = text("he reads my texts", PHONE)
    reply = text("help", PHONE)
    for body in (first, reply):
        assert ("(209) 948-1911" in body or "(888) 373-7888" in body) and "Call 911" in body
        assert not watched(body) and discreet(body)
    assert not discreet(text("help", "+12095550167"))  # another sender is not affected


def test_discreet_is_written_at_once_and_kept_by_a_new_worker(app_config, text, app):
    text("QUIET", PHONE)
    with app.extensions["store"].session() as session:
        assert [s.discreet for s in session.scalars(select(Sender))] == [True]
        assert all(PHONE[2:] not in s.id for s in session.scalars(select(Sender)))
    other = create_app(app_config)  # another worker, with nothing pending
    client = other.test_client()
    params = {"From": PHONE, "To": "+12095550000", "Body": "help", "MessageSid": "SM" + "9" * 32}
    body = parse_twiml(post_signed(client, "/sms", params)).find("Message").text
    assert not watched(body) and "(888) 373-7888" in body
    other.extensions["store"].close()


def test_a_retry_gets_the_discreet_reply_again(text):
    text("revisa mi celular", PHONE)
    sid = "SM" + "7" * 32
    first = text("ayuda", PHONE, MessageSid=sid)
    text("normal", PHONE)  # turned off meanwhile; the retried message was answered discreetly
    again = text("ayuda", PHONE, MessageSid=sid)
    assert again == first and discreet(again) and not watched(again)
    assert not discreet(text("ayuda", PHONE))


def test_normal_turns_it_off(text):
    text("he checks my phone", PHONE)
    text("NORMAL", PHONE)
    assert not discreet(text("help", PHONE))


def test_vietnamese_gets_the_vietnamese_line(text):
    reply = text("Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi", PHONE)
    first = reply.splitlines()[0]
    assert first.startswith("Gọi") and "(888) 373-7888" in first
    assert "Call 911" in reply and "Llame al 911" in reply and segments(reply) <= 6


def test_whatsapp_gets_the_same_numbers(text):
    sms = text("help", PHONE)
    whatsapp = text("help", WHATSAPP, To="whatsapp:+12095550000")
    assert whatsapp == sms and "(209) 948-1911" in whatsapp and "911" in whatsapp


def test_whatsapp_shares_the_senders_state(text):
    text("he reads my texts", PHONE)
    reply = text("help", WHATSAPP, To="whatsapp:+12095550000")
    assert discreet(reply) and not watched(reply)
    assert text("STOP", WHATSAPP, To="whatsapp:+12095550000") is None
    assert text("help", PHONE) is None  # the same person: STOP holds on SMS too
    assert text("Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi", WHATSAPP) is None


def test_whatsapp_has_no_segment_budget(text):
    everything = "danger help housing info, is this confidential? how do i report a motel"
    sms = text(everything, "+12095550168")
    whatsapp = text(everything, "whatsapp:+12095550169", To="whatsapp:+12095550000")
    assert segments(sms) <= 3 and "More: " in sms  # topics left out, named in a "more" line
    assert len(whatsapp) > len(sms) and "More: " not in whatsapp
    assert len(whatsapp) <= 1600  # Twilio's longest message body
