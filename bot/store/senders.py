"""Sender state in the database: language and opt-out, keyed by a hash, never by the number.

Real senders and the staff simulators' senders live in separate tables. A sender's state is
held by each worker (``sender_memory``), read here by what changed, and written here when it changes.
"""
from __future__ import annotations

from datetime import datetime
from typing import Mapping

from sqlalchemy import Row, literal, select
from sqlalchemy.orm import Session

from .bulk_upsert import upsert_many
from .messages import upsert
from .models import Sender, SimulatedSender, utcnow


def save_languages(session: Session, languages: Mapping[str, str], simulated: bool = False) -> None:
    """Remember many senders' languages (sender -> language) in one statement; their opt-outs stay
    as the database has them."""
    if not languages:
        return
    model = SimulatedSender if simulated else Sender
    now = utcnow()
    upsert_many(session, model.__table__, [{"id": sender, "language": language, "opted_out": False, "discreet": False,
                                            "updated_at": now} for sender, language in sorted(languages.items())],
                key=("id",), replace=("language", "updated_at"))  # sorted: one order in every worker, no deadlock


def save(session: Session, sender_id: str, change, simulated: bool = False) -> None:
    """Remember what a sender chose, in one upsert: ``change`` is (language, opted_out, discreet),
    each None to keep what the database holds (``sender_memory.Remembered``)."""
    model = SimulatedSender if simulated else Sender
    language, opted_out, discreet = change
    values = {k: v for k, v in (("language", language), ("opted_out", opted_out), ("discreet", discreet))
              if v is not None}
    values["updated_at"] = utcnow()
    statement = upsert(session, model).values(id=sender_id, **{"opted_out": False, "discreet": False, **values})
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))


def changed_since(connection, since: datetime | None) -> list[Row]:
    """Real and simulated senders changed since ``since`` (None: every sender who differs from a new
    one), as rows of id, simulated, language, opted_out, discreet, updated_at (fetched all at once:
    a round reads thousands when many senders change language)."""
    out = []
    for simulated, model in ((False, Sender), (True, SimulatedSender)):
        statement = select(model.id, literal(simulated).label("simulated"), model.language, model.opted_out,
                           model.discreet, model.updated_at)
        if since is None:
            statement = statement.where(model.opted_out | model.discreet | model.language.is_not(None))
        else:
            statement = statement.where(model.updated_at >= since)
        out += connection.execute(statement).all()
    return out
