"""POST /sms: Twilio's Messaging webhook. Reads the request, asks the domain, renders TwiML."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from ..conversation import inbox
from ..store import get_store
from .twilio_auth import twilio_signed
from .twiml import twiml, twiml_around

bp = Blueprint("sms", __name__)
log = logging.getLogger(__name__)


@bp.post("/sms")
@twilio_signed
def incoming():
    """Answer one text with the numbers that fit it (or nothing, for an opted-out sender)."""
    form, config = request.form, current_app.config
    whatsapp = form.get("From", "").startswith("whatsapp:")  # same sender, no segment budget
    outcome = inbox.receive(get_store(), config["SENDER_HASH_KEY"], form.get("From", ""), form.get("Body", ""),
                            form.get("OptOutType", ""), message_sid=form.get("MessageSid", ""),
                            limit=inbox.Limit(config["RATE_LIMIT"], config["RATE_LIMIT_SECONDS"]),
                            budget=not whatsapp)
    if outcome is None:
        return twiml("sms/last_resort.xml")
    log.debug("sms answered: topics=%s language=%s reply=%s", ",".join(outcome.topics) or "-",
             outcome.language, "yes" if outcome.body else "none")
    return twiml_around("sms/reply.xml", "body", outcome.body)


@bp.errorhandler(Exception)
def last_resort(error: Exception):
    """Whatever went wrong, the texter still gets the National Hotline and 911."""
    if isinstance(error, HTTPException):
        return error
    log.exception("sms webhook failed; sent the last-resort reply")
    return twiml("sms/last_resort.xml")
