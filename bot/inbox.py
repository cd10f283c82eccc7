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

from . import replies, texting
from .phones import sender_hash
from .privacy import keyed_hash
from .store import Store, messages, senders

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
    table, key = snapshot.table, hash_key.encode()
    sender = sender_hash(number, key) if number.strip() else None  # no sender: nothing to remember
    sid = keyed_hash(message_sid, key) if message_sid and not simulated else None
    earlier = _try(store, lambda s: messages.answered(s, sid), None) if sid else None
    if earlier is not None:  # Twilio retried: the same answer again, counted once
        topics = tuple(filter(None, earlier.topics.split(",")))
        body_again = None if earlier.silent else replies.sms(table, topics, earlier.language)
        return texting.Outcome(body_again, texting.SenderState(), earlier.language, topics)
    state = _try(store, lambda s: senders.load(s, sender, simulated), texting.SenderState()) if sender \
        else texting.SenderState()
    outcome = texting.answer(table, snapshot.matcher, body, state, opt_out_type, language)
    if sender and outcome.state != state:
        _try(store, lambda s: senders.save(s, sender, outcome.state, simulated), None)
    if sender and outcome.body and limit and not simulated and not _try(
            store, lambda s: messages.take_reply(s, sender, limit.replies, limit.seconds), True):
        log.warning("sms reply limit reached for a sender; answering with an empty reply")
        outcome = replace(outcome, body=None, topics=())
    if sid:
        _try(store, lambda s: messages.remember_answer(s, sid, outcome.topics, outcome.language,
                                                       outcome.body is None), None)
    if not simulated:
        _count(store, outcome)
    return outcome


def _count(store: Store, outcome: texting.Outcome) -> None:
    """Usage: the topics (or "unmatched") and the language of a real text that was answered."""
    if outcome.body is None:
        return
    if outcome.topics:
        store.usage.add("topic", *outcome.topics)
    else:
        store.usage.add("unmatched", "text")
    store.usage.add("language", outcome.language)


def _try(store: Store, work, fallback):
    """``work(session)`` in a transaction; ``fallback`` when the database fails."""
    try:
        with store.session() as session:
            return work(session)
    except SQLAlchemyError as exc:
        log.warning("database unavailable for an sms step (%s); answering anyway", type(exc).__name__)
        return fallback
