"""POST /voice: Twilio's incoming-call webhook, and the Gather and Dial actions its TwiML names.

The call's state (menu language, round, the line dialed) travels in the action URLs' query
strings, which Twilio signs along with the URL. The caller's number is only read to offer and send
the numbers by text (textback.py), never stored, logged or put in a URL.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import Blueprint, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from ..conversation import menu
from ..store import get_store
from ..table.model import MENU_KEYS
from . import textback
from .twilio_auth import twilio_signed
from .twiml import twiml

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)


@bp.post("")
@twilio_signed
def incoming():
    """A new call: the menu in the default language."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return twiml("voice/last_resort.xml")
    get_store().pending.count("call", "started")
    return _render(snapshot.table, menu.start(snapshot.table, _texts()))


@bp.post("/choice")
@twilio_signed
def choice():
    """The Gather's action (a key or speech) and the Redirect after it (silence)."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return twiml("voice/last_resort.xml")
    table = snapshot.table
    digits, speech = request.form.get("Digits", ""), request.form.get("SpeechResult", "")
    step = menu.choose(table, snapshot.understander, _language(table), _round(), digits, speech, _now(), _texts())
    _count_choice(_language(table), step, digits, speech)
    return _render(table, step)


@bp.post("/text")
@twilio_signed
def text():
    """The confirming step of the numbers by text: 1 sends it (within the limits), anything else is the menu."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return twiml("voice/last_resort.xml")
    table, language = snapshot.table, _language(snapshot.table)
    outcome = None
    if request.form.get("Digits", "") == "1":
        outcome = textback.send(current_app.config, table, language, request.form)
        get_store().pending.count("menu", f"{language} text -> {outcome}")
    sent = None if outcome is None else outcome == textback.SENT
    return _render(table, menu.texted(table, language, sent, _texts(), already=outcome == textback.LIMITED))


@bp.post("/dialed")
@twilio_signed
def dialed():
    """The Dial's action: how the call to a line ended."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return twiml("voice/last_resort.xml")
    table = snapshot.table
    resource, status = request.args.get("resource", ""), request.form.get("DialCallStatus", "")
    step = menu.dialed(table, _language(table), resource, status)
    if status in menu.COMPLETED and resource in table.resources:
        get_store().pending.count("connected", resource)
    return _render(table, step)


@bp.errorhandler(Exception)
def last_resort(error: Exception):
    """Whatever went wrong, the caller hears the National Hotline number and is connected to it."""
    if isinstance(error, HTTPException):
        return error
    log.exception("voice webhook failed; sent the last-resort TwiML")
    return twiml("voice/last_resort.xml")


def _render(table, step: menu.Step):
    """The step as TwiML, with the follow-up URLs that carry the call's state."""
    log.debug("voice %s: %s language=%s round=%s line=%s", request.path, step.kind, step.language,
             step.round, step.dial.key if step.dial else "-")
    if step.kind == "menu":
        action = url_for("voice.choice", lang=step.language, round=step.round)
        return twiml("voice/menu.xml", step=step, action=action, hints=menu.hints(table, step.language),
                     locale=table.languages[step.language].speech)
    if step.kind == "dial":
        action = url_for("voice.dialed", lang=step.language, resource=step.dial.key)
        return twiml("voice/dial.xml", step=step, action=action)
    if step.kind == "confirm":
        return twiml("voice/confirm.xml", step=step, action=url_for("voice.text", lang=step.language))
    return twiml("voice/hangup.xml", step=step)


def _count_choice(language: str, step: menu.Step, digits: str, speech: str) -> None:
    """Usage: in the menu of ``language``, which key (or speech, or silence) led where; never what was said."""
    how = f"key {digits}" if digits in MENU_KEYS else ("speech" if speech.strip() else "silence")
    where = step.dial.key if step.dial else step.kind
    if step.kind == "menu" and step.language != language:
        where = f"menu {step.language}"
    get_store().pending.count("menu", f"{language} {how} -> {where}")


def _texts() -> bool:
    """Can this caller be texted the numbers? Read from this signed request, never from the URL."""
    return textback.offered(current_app.config, request.form)


def _language(table) -> str:
    """The menu language named in the URL, or the default one."""
    lang = request.args.get("lang", "")
    return lang if lang in table.languages else table.default_language


def _round() -> int:
    """The menu round named in the URL (1 when missing or wrong)."""
    try:
        return max(1, int(request.args.get("round", "1")))
    except ValueError:
        return 1


def _now() -> datetime:
    """The current time (tests replace it to call at a chosen hour)."""
    return datetime.now(timezone.utc)
