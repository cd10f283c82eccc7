"""Only Twilio gets in: every webhook request must carry a valid X-Twilio-Signature."""
from __future__ import annotations

import logging
from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL Twilio requested: PUBLIC_BASE_URL plus path and query, else the request's own URL."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        return request.url
    query = request.query_string.decode("latin-1")
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")


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
