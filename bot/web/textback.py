"""The numbers by text during a call: one SMS through Twilio's REST API, from the number
that was called to the caller, in discreet wording, within limits.

Only to a caller of the country calling codes of TEXTBACK_COUNTRY_CODES (North America by
default), at most TEXTBACK_PER_CALLER_PER_DAY texts per caller and TEXTBACK_PER_HOUR for every
caller together, counted in the database before the text is sent (``store.textbacks``), so every
worker shares them. Each send and refusal is logged and counted in the usage counts ("textback").

The caller's number is read from the signed request of the step that uses it, used for that one
request and never stored, logged or put in a URL (the counts hold its keyed hash); nor is Twilio's
error text, which can carry it.
"""
from __future__ import annotations

import logging
from datetime import datetime
import time
from typing import Mapping

import phonenumbers
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioRestException

from .. import twilio_api
from ..conversation import discreet
from ..phones import sender_hash
from ..store import get_store, textbacks
from ..table.model import TIMEZONE, Table

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 4.0  # the caller waits on the line meanwhile
SENT, LIMITED, FAILED = "sent", "limited", "failed"  # what the caller hears: sent, already sent, not sent


def offered(config: Mapping, form: Mapping) -> bool:
    """True when the caller can be texted: the bot can reach Twilio's API, both numbers are known
    and the caller's is of a country in TEXTBACK_COUNTRY_CODES."""
    caller = _valid(form.get("From", ""))
    return (twilio_api.configured(config) and caller is not None and _valid(form.get("To", "")) is not None
            and caller.country_code in config["TEXTBACK_COUNTRY_CODES"])


def send(config: Mapping, table: Table, language: str, form: Mapping) -> str:
    """Text the 24/7 numbers to the caller (``form``'s From) from the called number (its To), if the
    limits allow it: SENT when Twilio took it, LIMITED when this caller had all the texts of the day,
    FAILED otherwise (not offered, the hourly limit, the limits unknown, Twilio's refusal or silence)."""
    if table.discreet is None or not offered(config, form):
        return _refused("not offered to this caller", "refused: not offered")
    caller = sender_hash(form["From"], config["SENDER_HASH_KEY"].encode())
    now = time.time()
    day = datetime.now(TIMEZONE).date().toordinal()  # the county's day: "today" as the caller hears it
    try:
        get_store().write(textbacks.take, caller, day, int(now // 3600),
                          config["TEXTBACK_PER_CALLER_PER_DAY"], config["TEXTBACK_PER_HOUR"])
    except textbacks.OverLimit as exc:
        if exc.limit == "caller":
            return _refused(f"this caller had {config['TEXTBACK_PER_CALLER_PER_DAY']} today "
                            "(TEXTBACK_PER_CALLER_PER_DAY)", "refused: caller's day", LIMITED)
        return _refused(f"{config['TEXTBACK_PER_HOUR']} were sent this hour (TEXTBACK_PER_HOUR)",
                        "refused: hourly limit")
    except SQLAlchemyError as exc:  # no text that cannot be counted
        return _refused(f"the limits could not be checked ({type(exc).__name__})", "refused: database")
    return _sent(config, table, language, form)


def _sent(config: Mapping, table: Table, language: str, form: Mapping) -> str:
    """Ask Twilio to send the text (counted already); SENT, or FAILED with what went wrong logged."""
    body = discreet.sms(table, (), language)
    try:
        client = twilio_api.client(config, timeout=TIMEOUT_SECONDS)
        client.messages.create(to=form["From"], from_=form["To"], body=body)
    except TwilioRestException as exc:  # its message and URL can carry the number: the code only
        log.warning("the text during a call was refused by Twilio (error %s)", exc.code)
        get_store().pending.count("textback", f"failed: Twilio error {exc.code}")
        return FAILED
    except Exception as exc:  # noqa: BLE001  a timeout or a broken connection: the type only
        log.warning("the text during a call could not be sent (%s)", type(exc).__name__)
        get_store().pending.count("textback", "failed: no answer")
        return FAILED
    log.info("the numbers were texted during a call")
    get_store().pending.count("textback", SENT)
    return SENT


def _refused(why: str, key: str, outcome: str = FAILED) -> str:
    """Log and count a text not sent (``why`` names no number); ``outcome``."""
    log.warning("the text during a call was not sent: %s", why)
    get_store().pending.count("textback", key)
    return outcome


def _valid(number: str) -> phonenumbers.PhoneNumber | None:
    """A real, valid phone number (not anonymous, restricted, unknown, a SIP address or a short code), parsed."""
    try:
        parsed = phonenumbers.parse(number, None) if number.startswith("+") else None
    except phonenumbers.NumberParseException:
        return None
    return parsed if parsed is not None and phonenumbers.is_valid_number(parsed) else None
