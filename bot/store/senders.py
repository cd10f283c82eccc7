"""Sender state in the database: language and opt-out, keyed by a hash, never by the number."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..texting import SenderState
from .models import Sender


def load(session: Session, sender_id: str) -> SenderState:
    """What the bot remembers of this sender (nothing yet: the default state)."""
    row = session.get(Sender, sender_id)
    return SenderState(row.language, row.opted_out) if row else SenderState()


def save(session: Session, sender_id: str, state: SenderState) -> None:
    """Remember ``state`` for this sender."""
    row = session.get(Sender, sender_id) or Sender(id=sender_id)
    row.language, row.opted_out = state.language, state.opted_out
    session.add(row)
