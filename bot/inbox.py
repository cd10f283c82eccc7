"""One text through the bot: the sender's state in, the answer out, the new state kept.

Shared by the /sms webhook, the `flask sms` command and the console's SMS simulator, so all
three answer exactly alike. Real texts also get: the same answer again for a MessageSid that
Twilio retries (counted once), a per-sender reply limit, and usage counts. A database error
never stops the reply: it is logged (without the number or the text) and the bot answers.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import replies, texting
from .phones import sender_hash
from .privacy import keyed_hash
from .store import Snapshot, Store, messages, senders

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    replies: int  # per sender
    seconds: int  # per window


def receive(store: Store, hash_key: str, number: str, body: str, opt_out_type: str = "",
            language: str | None = None, simulated: bool = False, message_sid: str = "",
            limit: Limit | None = None) -> texting.Outcome | None:
    """Answer ``body`` from ``number``; None when there is no resource table at all."""
    snapshot = store.snapshot()
    if snapshot is None:
        return None
    key = hash_key.encode()
    text = Text(sender_hash(number, key) if number.strip() else None,  # no sender: nothing to remember
                keyed_hash(message_sid, key) if message_sid and not simulated else None,
                body, opt_out_type, language)
    try:
        with store.session() as session:  # one short transaction per text
            outcome, fresh = _answer(session, snapshot, text, None if simulated else limit, simulated)
    except SQLAlchemyError as exc:
        log.warning("database unavailable for an sms (%s); answering without sender state", type(exc).__name__)
        outcome, fresh = texting.answer(snapshot.table, snapshot.matcher, body, texting.SenderState(),
                                        opt_out_type, language), True
    if fresh and not simulated:
        _count(store, outcome)
    return outcome


@dataclass(frozen=True)
class Text:
    sender: str | None  # hashed
    sid: str | None  # hashed MessageSid
    body: str
    opt_out_type: str
    language: str | None


def _answer(session: Session, snapshot: Snapshot, text: Text, limit: Limit | None,
            simulated: bool) -> tuple[texting.Outcome, bool]:
    """The answer, and False when it is a retry's (already counted)."""
    table = snapshot.table
    earlier = messages.answered(session, text.sid) if text.sid else None
    if earlier is not None:  # Twilio retried: the same answer again, counted once
        topics = tuple(filter(None, earlier.topics.split(",")))
        body = None if earlier.silent else replies.sms(table, topics, earlier.language)
        return texting.Outcome(body, texting.SenderState(), earlier.language, topics), False
    state = senders.load(session, text.sender, simulated) if text.sender else texting.SenderState()
    outcome = texting.answer(table, snapshot.matcher, text.body, state, text.opt_out_type, text.language)
    if text.sender and outcome.state != state:
        senders.save(session, text.sender, outcome.state, simulated)
    if text.sender and outcome.body and limit and not messages.take_reply(session, text.sender, limit.replies,
                                                                           limit.seconds):
        log.warning("sms reply limit reached for a sender; answering with an empty reply")
        outcome = replace(outcome, body=None, topics=())
    if text.sid:
        messages.remember_answer(session, text.sid, outcome.topics, outcome.language, outcome.body is None)
    return outcome, True


def _count(store: Store, outcome: texting.Outcome) -> None:
    """Usage: the topics (or "unmatched") and the language of a real text that was answered."""
    if outcome.body is None:
        return
    if outcome.topics:
        store.usage.add("topic", *outcome.topics)
    else:
        store.usage.add("unmatched", "text")
    store.usage.add("language", outcome.language)
