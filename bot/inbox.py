"""One text through the bot: the sender's state in, the answer out, the new state kept.

Shared by the /sms webhook, the `flask sms` command and the console's SMS simulator, so all
three answer exactly alike. A database error never stops the reply: state falls back to the
default and the failure is logged (without the number or the text).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from . import texting
from .phones import sender_hash
from .store import Store, senders

log = logging.getLogger(__name__)


def receive(store: Store, hash_key: str, number: str, body: str, opt_out_type: str = "",
            language: str | None = None, simulated: bool = False) -> texting.Outcome | None:
    """Answer ``body`` from ``number``; None when there is no resource table at all."""
    snapshot = store.snapshot()
    if snapshot is None:
        return None
    sender = sender_hash(number, hash_key.encode())
    state = _load(store, sender, simulated)
    outcome = texting.answer(snapshot.table, snapshot.matcher, body, state, opt_out_type, language)
    if outcome.state != state:
        _save(store, sender, outcome.state, simulated)
    return outcome


def _load(store: Store, sender: str, simulated: bool) -> texting.SenderState:
    """The sender's state; the default one when the database is down."""
    try:
        with store.session() as session:
            return senders.load(session, sender, simulated)
    except SQLAlchemyError as exc:
        log.warning("sender state unavailable (%s); answering with defaults", type(exc).__name__)
        return texting.SenderState()


def _save(store: Store, sender: str, state: texting.SenderState, simulated: bool) -> None:
    """Remember the sender's new state; a database error is logged, the reply still goes out."""
    try:
        with store.session() as session:
            senders.save(session, sender, state, simulated)
    except SQLAlchemyError as exc:
        log.warning("could not save sender state (%s)", type(exc).__name__)
