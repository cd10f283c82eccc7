"""One incoming text in, what to answer and what to remember out: opt-out, language, reply.

Plain Python. Opt-out follows Twilio's rules: only a whole message that is one of its
keywords (or Twilio's OptOutType field) opts a sender out or back in.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import replies
from ..understanding.matching import Match, Matcher
from ..understanding.normalize import normalize
from ..table.model import Table

OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
OPT_IN = {"start", "unstop", "yes"}


@dataclass(frozen=True)
class SenderState:
    language: str | None = None  # the last language the sender clearly wrote in
    opted_out: bool = False


@dataclass(frozen=True)
class Outcome:
    body: str | None  # None: answer with an empty <Response/>
    state: SenderState
    language: str
    topics: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  # resources the text named, whose details the reply gives
    match: Match | None = None  # what the text was read as, and why


def answer(table: Table, matcher: Matcher, text: str, state: SenderState,
           opt_out_type: str = "", language: str | None = None) -> Outcome:
    """Decide the reply to ``text`` from a sender in ``state`` (``language`` forces one)."""
    whole = normalize(text)
    kind = opt_out_type.strip().upper()
    if kind == "STOP" or (not kind and whole in OPT_OUT):
        return Outcome(None, replace(state, opted_out=True), state.language or table.default_language)
    if kind == "START" or (not kind and whole in OPT_IN):
        lang = language or state.language or table.default_language
        topics = (table.start_topic,)
        return Outcome(replies.sms(table, topics, lang), replace(state, opted_out=False), lang, topics)
    if state.opted_out:
        return Outcome(None, state, state.language or table.default_language)
    match = matcher.match(text)
    remembered = match.language or state.language
    lang = language or remembered or table.default_language
    return Outcome(replies.sms(table, match.topics, lang, match.details), replace(state, language=remembered),
                   lang, match.topics, match.details, match)
