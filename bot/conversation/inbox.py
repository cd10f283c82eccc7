"""One text through the bot: the sender's state in, the answer out, the new state kept.

Shared by the /sms webhook, the `flask sms` command and the console's SMS simulator, so all
three answer exactly alike. Real texts also get: the same answer again for a MessageSid that
Twilio retries (counted once), a per-sender reply limit, and usage counts. The hot path reads
this worker's memory (``store.live_senders``), not the database; MessageSids and counts are
written in batches (``store.pending``), sender state at once when it changes. A database error
never stops the reply: it is logged (without the number or the text), and a sender the worker
does not know is answered discreetly, since it cannot know who is watched.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from . import remembered_answers, texting
from ..phones import sender_hash
from ..privacy import keyed_hash
from ..store import Remembered, Snapshot, Store

log = logging.getLogger(__name__)
DETAIL = "+"  # marks a named resource among an answered MessageSid's topics ("INFO,+chest-of-hope-helpline")


@dataclass(frozen=True)
class Limit:
    replies: int  # per sender
    seconds: int  # per window


@dataclass(frozen=True)
class Known:
    """What this worker knows about a text before answering (its memory and pending writes)."""

    earlier: dict | None  # the answer already given to this MessageSid
    state: texting.SenderState
    replies: int  # replies the sender got in the current window
    unknown: bool = False  # the state is the safe default: the database was not read


def receive(store: Store, hash_key: str, number: str, body: str, opt_out_type: str = "",
            language: str | None = None, simulated: bool = False, message_sid: str = "",
            limit: Limit | None = None, budget: bool = True) -> texting.Outcome | None:
    """Answer ``body`` from ``number``; None when there is no resource table at all (``budget``
    False: no SMS segment limit, for WhatsApp)."""
    snapshot = store.snapshot()
    if snapshot is None:
        return None
    key = hash_key.encode()
    sender = sender_hash(number, key) if number.strip() else None  # no sender: nothing to remember
    sid = keyed_hash(message_sid, key) if message_sid and not simulated else None
    window = int(time.time() // limit.seconds) if limit else 0
    known = _known(store, sender, sid, window if limit and not simulated else None, simulated)
    if known.earlier is not None:  # Twilio retried: the same answer again, counted once
        return _again(snapshot, known.earlier, budget)
    outcome = remembered_answers.answer(snapshot.table, snapshot.understander, body, known.state, opt_out_type,
                                        language, budget)
    if sender and known.unknown:  # only what the text itself chose is kept, never the discreet default
        chosen = _chosen(snapshot, body, opt_out_type, language, budget)
        if chosen != (None, None, None):  # STOP, START, QUIET, NORMAL, "he reads my texts" during an outage
            store.save_sender(sender, simulated, chosen)
    elif sender and (outcome.state.opted_out != known.state.opted_out
                   or outcome.state.discreet != known.state.discreet):  # discreet, like STOP
        new = outcome.state  # STOP, START and discreet are written at once
        store.save_sender(sender, simulated, Remembered(new.language, new.opted_out, new.discreet))
        store.pending.remember_language(sender, simulated, None)
    elif sender and _worth_saving(known.state, outcome.state, snapshot.table.default_language):
        store.pending.remember_language(sender, simulated, outcome.state.language)  # in the next batch
    if sender and outcome.body and limit and not simulated:
        if known.replies + store.pending.add_reply(sender, window) > limit.replies:
            log.warning("sms reply limit reached for a sender; answering with an empty reply")
            outcome = replace(outcome, body=None, topics=())
    if sid:
        store.pending.remember(sid, outcome.topics + tuple(DETAIL + d for d in outcome.details), outcome.language,
                               outcome.body is None, outcome.state.discreet)
    if not simulated:
        _count(store, outcome)
    return outcome


def first_text(store: Store, body: str) -> texting.Outcome | None:
    """The answer to ``body`` as a new sender's first text gets it on /sms, storing nothing
    (``flask evaluate``); None when there is no resource table."""
    snapshot = store.snapshot()
    if snapshot is None:
        return None
    return texting.answer(snapshot.table, snapshot.understander, body, texting.SenderState())


def _known(store: Store, sender: str | None, sid: str | None, window: int | None, simulated: bool) -> Known:
    """From this worker's memory: an earlier answer to this MessageSid, the sender's state and reply
    count. A sender whose state is unknown (the database was not read) gets discreet wording: who is
    watched is unknown."""
    store.follow_senders()
    earlier = store.answered(sid) if sid else None
    if earlier is not None:
        return Known({"topics": earlier["topics"], "language": earlier["language"], "silent": earlier["silent"],
                      "discreet": bool(earlier["discreet"])}, texting.SenderState(), 0)
    if not sender:
        return Known(None, texting.SenderState(), 0)
    held = store.sender(sender, simulated)
    if held is None:
        state = texting.SenderState(discreet=True)
    else:
        state = texting.SenderState(held.language, held.opted_out, held.discreet)
    pending = store.pending.language(sender, simulated)
    if pending and pending != state.language:
        state = replace(state, language=pending)
    return Known(None, state, store.replies(sender, window) if window is not None else 0, held is None)


def _chosen(snapshot: Snapshot, body: str, opt_out_type: str, language: str | None, budget: bool) -> Remembered:
    """What the text itself chooses whatever the sender's state was (an opt-out, discreet replies), for a
    sender whose state is unknown; None where the answer depends on that state."""
    def after(state: texting.SenderState) -> texting.SenderState:
        """The sender's state after this text, from ``state``."""
        return texting.answer(snapshot.table, snapshot.understander, body, state, opt_out_type, language, budget).state

    new, stopped, quiet = (after(texting.SenderState()), after(texting.SenderState(opted_out=True)),
                           after(texting.SenderState(discreet=True)))
    return Remembered(None, new.opted_out if new.opted_out == stopped.opted_out else None,
                      new.discreet if new.discreet == quiet.discreet else None)


def _again(snapshot: Snapshot, earlier: dict, budget: bool = True) -> texting.Outcome:
    """The answer given before to a retried MessageSid: the same topics, details and wording."""
    keys = tuple(filter(None, earlier["topics"].split(",")))
    topics = tuple(k for k in keys if not k.startswith(DETAIL))
    details = tuple(k[len(DETAIL):] for k in keys if k.startswith(DETAIL))
    discreet = bool(earlier.get("discreet"))
    body = None if earlier["silent"] else texting.reply(snapshot.table, topics, earlier["language"], discreet,
                                                        budget, details)
    return texting.Outcome(body, texting.SenderState(discreet=discreet), earlier["language"], topics, details)


def _worth_saving(old: texting.SenderState, new: texting.SenderState, default: str) -> bool:
    """True when the new state answers differently: a new sender in the default language is no news."""
    return ((old.language or default) != (new.language or default) or old.opted_out != new.opted_out
            or old.discreet != new.discreet)


def _count(store: Store, outcome: texting.Outcome) -> None:
    """Usage: the topics (or "unmatched") and the language of a real text that was answered."""
    if outcome.body is None:
        return
    store.pending.count_uses({"topic": outcome.topics, "language": (outcome.language,)} if outcome.topics
                             else {"unmatched": ("text",), "language": (outcome.language,)})
