"""The numbers by text during a call: one SMS through Twilio's REST API, from the number
that was called to the caller, in discreet wording.

The caller's number is read from the signed request of the step that uses it, used for that one
request and never stored, logged or put in a URL; nor is Twilio's error text, which can carry it.
"""
from __future__ import annotations

import logging
from typing import Mapping

import phonenumbers
from twilio.base.exceptions import TwilioRestException

from .. import twilio_api
from ..conversation import discreet
from ..table.model import Table

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 4.0  # the caller waits on the line meanwhile


def offered(config: Mapping, form: Mapping) -> bool:
    """True when the caller can be texted: the bot can reach Twilio's API and the caller's number is known."""
    return twilio_api.configured(config) and _textable(form.get("From", "")) and _textable(form.get("To", ""))


def send(config: Mapping, table: Table, language: str, form: Mapping) -> bool:
    """Text the 24/7 numbers to the caller (``form``'s From) from the called number (its To); True if
    Twilio took it. A refusal (21610: the caller texted STOP) or no answer in time is False."""
    if table.discreet is None or not offered(config, form):
        return False
    body = discreet.sms(table, (), language)
    try:
        client = twilio_api.client(config, timeout=TIMEOUT_SECONDS)
        client.messages.create(to=form["From"], from_=form["To"], body=body)
        return True
    except TwilioRestException as exc:  # its message and URL can carry the number: the code only
        log.warning("the text during a call was refused by Twilio (error %s)", exc.code)
    except Exception as exc:  # noqa: BLE001  a timeout or a broken connection: the type only
        log.warning("the text during a call could not be sent (%s)", type(exc).__name__)
    return False


def _textable(number: str) -> bool:
    """A real, valid phone number (not anonymous, restricted, unknown, a SIP address or a short code)."""
    try:
        return number.startswith("+") and phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False
