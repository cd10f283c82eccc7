"""Only Twilio gets in: every webhook request must carry a valid X-Twilio-Signature."""
from __future__ import annotations

import logging
from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL Twilio requested: PUBLIC_BASE_URL (else the request's own scheme and host) plus path and query.

    The query string is taken exactly as sent (``request.url`` would decode its %-escapes,
    and Twilio signs the URL as it requested it).
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    url = base.rstrip("/") + request.path if base else request.base_url
    query = _as_sent(request.query_string)
    return url + (f"?{query}" if query else "")


def _as_sent(raw: bytes) -> str:
    """The raw query string as text: UTF-8, or byte for byte when it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def twilio_signed(view):
    """Refuse the request (403) unless Twilio signed it; 503 when no auth token is configured."""

    @wraps(view)
    def checked(*args, **kwargs):
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        if not token:
            log.error("TWILIO_AUTH_TOKEN is not set: webhook requests are refused (503) until it is")
            abort(503, "TWILIO_AUTH_TOKEN is not configured")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not RequestValidator(token).validate(public_url(), request.form, signature):
            log.warning("refused a webhook request to %s: missing or wrong Twilio signature", request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked
