"""Sender state in the database: language and opt-out, keyed by a hash, never by the number.

Real senders and the staff simulators' senders live in separate tables.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..texting import SenderState
from .models import Sender, SimulatedSender


def load(session: Session, sender_id: str, simulated: bool = False) -> SenderState:
    """What the bot remembers of this sender (nothing yet: the default state)."""
    model = SimulatedSender if simulated else Sender
    row = session.execute(select(model.language, model.opted_out).where(model.id == sender_id)).first()
    return SenderState(row.language, row.opted_out) if row else SenderState()


def save(session: Session, sender_id: str, state: SenderState, simulated: bool = False) -> None:
    """Remember ``state`` for this sender."""
    model = SimulatedSender if simulated else Sender
    row = session.get(model, sender_id) or model(id=sender_id)
    row.language, row.opted_out = state.language, state.opted_out
    session.add(row)
