"""One incoming text in, what to answer and what to remember out: opt-out, language, reply.

Plain Python. Opt-out follows Twilio's rules: only a whole message that is one of its
keywords (or Twilio's OptOutType field) opts a sender out or back in. A sender who says the phone
is watched, or texts the card's keyword, gets discreet replies until a word turns them off
(discreet.py); a text in another language gets its interpreter line whatever topics its words
resemble (interpreters.py): the language is decided before the topics.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import discreet as discreet_replies, interpreters, replies
from ..understanding import language_id
from ..understanding.matching import Match, Matcher
from ..text import normalize
from ..table.model import Table

OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
OPT_IN = {"start", "unstop", "yes"}


@dataclass(frozen=True)
class SenderState:
    language: str | None = None  # the last language the sender clearly wrote in
    opted_out: bool = False
    discreet: bool = False  # every reply in discreet wording until a word turns it off


@dataclass(frozen=True)
class Outcome:
    body: str | None  # None: answer with an empty <Response/>
    state: SenderState
    language: str
    topics: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  # resources the text named, whose details the reply gives
    match: Match | None = None  # what the text was read as, and why


def answer(table: Table, matcher: Matcher, text: str, state: SenderState,
           opt_out_type: str = "", language: str | None = None, budget: bool = True) -> Outcome:
    """Decide the reply to ``text`` from a sender in ``state`` (``language`` forces one; ``budget``:
    keep within the SMS segment limits, not for WhatsApp)."""
    whole = normalize(text)
    kind = opt_out_type.strip().upper()
    if kind == "STOP" or (not kind and whole in OPT_OUT):
        return Outcome(None, replace(state, opted_out=True), state.language or table.default_language)
    if kind == "START" or (not kind and whole in OPT_IN):
        lang = language or state.language or table.default_language
        topics = (table.start_topic,)
        return Outcome(reply(table, topics, lang, state.discreet, budget), replace(state, opted_out=False),
                       lang, topics)
    if state.opted_out:
        return Outcome(None, state, state.language or table.default_language)
    match = matcher.match(whole)  # each reads the normalized text: a long one is normalized once
    keyword = discreet_replies.keyword_language(table, whole)  # DISCRETO answers in Spanish
    turned = discreet_replies.turned(table, whole, keyword)  # the card's keyword ("discreto por favor") or NORMAL
    if turned is None and match.watched:  # "my bf goes thru my phone": discreet from this reply on
        turned = True
    if turned is not None:
        state = replace(state, discreet=turned)
    if not (match.switch or language or keyword or match.keyword_as_written):  # the language before the topics
        other = language_id.identify(table.interpreting, text, tuple(table.languages), matcher.words,
                                     language_id.SURE if match.topics else language_id.MIN_CONFIDENCE)
        if other:
            return Outcome(interpreters.sms(table, other, state.discreet), state, other)
    remembered = keyword or match.language or state.language
    lang = language or remembered or table.default_language
    return Outcome(reply(table, match.topics, lang, state.discreet, budget, match.details),
                   replace(state, language=remembered), lang, match.topics, match.details, match)


def reply(table: Table, topics: tuple[str, ...], language: str, discreet: bool = False, budget: bool = True,
          details: tuple[str, ...] = ()) -> str:
    """The reply made of ``topics`` (and the ``details`` of the lines the text named) in ``language``
    (one of the bot's, or an interpreter line's code), in discreet wording when the sender asked for it."""
    if interpreters.knows(table, language):
        return interpreters.sms(table, language, discreet)
    if language not in table.languages:
        language = table.default_language
    if discreet and table.discreet is not None:
        return discreet_replies.sms(table, topics, language, budget, details)
    return replies.sms(table, topics, language, details, limited=budget)
