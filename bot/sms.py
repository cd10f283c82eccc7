"""POST /sms: Twilio's Messaging webhook. Reads the request, asks the domain, renders TwiML."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import texting
from .phones import sender_hash
from .store import get_store, senders
from .twilio_auth import twilio_signed
from .twiml import twiml

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)


@bp.post("/sms")
@twilio_signed
def incoming():
    """Answer one text with the numbers that fit it (or nothing, for an opted-out sender)."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return twiml("sms/last_resort.xml")
    sender = sender_hash(request.form.get("From", ""), current_app.config["SENDER_HASH_KEY"].encode())
    state = _load_state(sender)
    outcome = texting.answer(snapshot.table, snapshot.matcher, request.form.get("Body", ""), state,
                             request.form.get("OptOutType", ""))
    if outcome.state != state:
        _save_state(sender, outcome.state)
    log.info("sms answered: topics=%s language=%s reply=%s", ",".join(outcome.topics) or "-",
             outcome.language, "yes" if outcome.body else "none")
    return twiml("sms/reply.xml", body=outcome.body)


@bp.errorhandler(Exception)
def last_resort(error: Exception):
    """Whatever went wrong, the texter still gets the National Hotline and 911."""
    if isinstance(error, HTTPException):
        return error
    log.exception("sms webhook failed; sent the last-resort reply")
    return twiml("sms/last_resort.xml")


def _load_state(sender: str) -> texting.SenderState:
    """The sender's state; the default one when the database is down."""
    try:
        with get_store().session() as session:
            return senders.load(session, sender)
    except SQLAlchemyError as exc:
        log.warning("sender state unavailable (%s); answering with defaults", type(exc).__name__)
        return texting.SenderState()


def _save_state(sender: str, state: texting.SenderState) -> None:
    """Remember the sender's new state; a database error is logged, the reply still goes out."""
    try:
        with get_store().session() as session:
            senders.save(session, sender, state)
    except SQLAlchemyError as exc:
        log.warning("could not save sender state (%s)", type(exc).__name__)
