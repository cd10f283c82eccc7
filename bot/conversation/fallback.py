"""What the static fallback TwiML says (``flask fallback-twiml``): Twilio's answer while the bot is
down. Plain Python: a table in, the texts and spoken lines out (templates/twiml/*/fallback.xml)."""
from __future__ import annotations

from ..table.model import Table
from . import discreet, menu, spoken
from .segments import segments

MAX_BODY = 1600  # Twilio's longest <Message> body, in characters


def sms_messages(table: Table) -> list[str]:
    """The discreet reply to the start topic (the 24/7 numbers and 911), one per language: a fallback
    reply also reaches senders whose phone is watched, so it is worded neutrally.

    Not the keyword menu: a static reply cannot answer HOTLINE or HOUSING, so it should not
    offer them. The default language always comes first; another language's reply is added
    when it fits that language's segment limit and Twilio's body limit.
    """
    messages = []
    for code, language in table.languages.items():
        body = discreet.sms(table, (table.start_topic,), code)
        if not messages or (segments(body) <= language.max_segments and len(body) <= MAX_BODY):
            messages.append(body)
    return messages


def voice_call(table: Table) -> dict:
    """What the fallback call says and dials: the danger prompt in every language, the 24-hour
    lines with their numbers, the fallback line announced and dialed; after the <Dial> (busy,
    no answer, or the call ended), the numbers in the other languages and goodbye. Lines are named
    neutrally, as in discreet replies: the call may be overheard by whoever watches the phone."""
    first, *others = table.languages
    fallback = table.resources[table.fallback]
    lines = [r for r in menu.dialable(table) if r.always_open]
    before = [spoken.say(table, code, "danger") for code in table.languages]
    before += spoken.read_numbers(table, first, lines, neutral=True)
    before += [spoken.say(table, code, "connecting", fallback, neutral=True) for code in table.languages]
    after = [say for code in others for say in spoken.read_numbers(table, code, lines, neutral=True)]
    after += [spoken.say(table, code, "goodbye") for code in table.languages]
    return {"before": before, "dial": fallback, "after": after}


def voice_words(table: Table) -> list[str]:
    """What the fallback call says and dials, in order: each <Say>'s words, and the number dialed."""
    call = voice_call(table)
    return [_words(s) for s in call["before"]] + [call["dial"].phone] + [_words(s) for s in call["after"]]


def _words(say: spoken.Say) -> str:
    """A <Say>'s words as the TwiML holds them (numbers as written)."""
    return "".join(part if isinstance(part, str) else part.display for part in say.parts)
