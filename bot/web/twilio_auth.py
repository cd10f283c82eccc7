"""Only Twilio gets in: every webhook request must carry a valid X-Twilio-Signature."""
from __future__ import annotations

import hmac
import logging
from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL Twilio requested: PUBLIC_BASE_URL (else the request's own scheme and host) plus path and query.

    The query string is taken exactly as sent (``request.url`` would decode its %-escapes,
    and Twilio signs the URL as it requested it).
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    url = base.rstrip("/") + request.path if base else _own_base()
    query = _as_sent(request.query_string)
    return url + (f"?{query}" if query else "")


def _own_base() -> str:
    """The request's scheme, host, mount point and path (``request.base_url`` without its IRI round trip)."""
    return f"{request.scheme}://{request.host}{request.root_path.rstrip('/')}{request.path}"


def _as_sent(raw: bytes) -> str:
    """The raw query string as text: UTF-8, or byte for byte when it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class _Form:
    """A form as RequestValidator reads one: its names, and ``getall`` for every value of a name."""

    def __init__(self, form: MultiDict):
        self._form = form
        self.getall = form.getlist

    def __iter__(self):
        return iter(self._form)


def signed_by_twilio(validator: RequestValidator, url: str, form: MultiDict, signature: str) -> bool:
    """RequestValidator's verdict, with the URL exactly as requested tried first (one HMAC, not two).

    ``validate`` always signs the URL both with and without its default port; the URL as requested
    is one of the two, so a match on it is a match for ``validate`` too, and anything else is left
    to ``validate`` itself.
    """
    expected = validator.compute_signature(url, _Form(form))
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return validator.validate(url, form, signature)


def twilio_signed(view):
    """Refuse the request (403) unless Twilio signed it; 503 when no auth token is configured."""

    @wraps(view)
    def checked(*args, **kwargs):
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        if not token:
            log.error("TWILIO_AUTH_TOKEN is not set: webhook requests are refused (503) until it is")
            abort(503, "TWILIO_AUTH_TOKEN is not configured")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not signed_by_twilio(_validator(token), public_url(), request.form, signature):
            log.warning("refused a webhook request to %s: missing or wrong Twilio signature", request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked


def _validator(token: str) -> RequestValidator:
    """The app's RequestValidator for ``token``, made once (the token is read per request, so tests may change it)."""
    cached = current_app.extensions.get("twilio_validator")
    if cached is None or cached[0] != token:
        cached = current_app.extensions["twilio_validator"] = (token, RequestValidator(token))
    return cached[1]
