"""Twilio's REST API, for the few calls the bot makes itself (setting up the number, a text sent
during a call), through twilio-python's ``Client``.

``TWILIO_API_BASE_URL`` replaces the scheme and host of every request (api.twilio.com,
messaging.twilio.com, ...), so tests run against a local fake of the endpoints used. Credentials
go to it, so it must be https except on the loopback host. twilio-python's own request log is
kept quiet: its lines can carry phone numbers.
"""
from __future__ import annotations

import json
import logging
from typing import Mapping
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_quiet = logging.getLogger(__name__ + ".http")  # twilio-python logs URLs and query strings at INFO
_quiet.setLevel(logging.WARNING)
FAILURES = (TwilioException, requests.RequestException)  # what a REST call raises when Twilio says no or is not reached
CHECK = {  # what to check after an HTTP status from Twilio
    401: "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET)",
    403: "check that these credentials may change this account's numbers (an API key's permissions)",
    404: "check TWILIO_ACCOUNT_SID and the number: Twilio does not know what was asked for",
    429: "Twilio is limiting requests: wait a minute and run it again",
}


def checked_base_url(url: str) -> str:
    """``url`` without a trailing slash if it may receive credentials (https, or http on loopback);
    else ValueError. "" stays "" (Twilio's own hosts)."""
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http") or parts.path or parts.query:
        raise ValueError(f"TWILIO_API_BASE_URL {url!r} must be a scheme and host only, e.g. https://api.example.org")
    if parts.scheme != "https" and parts.hostname not in LOOPBACK:
        raise ValueError(f"TWILIO_API_BASE_URL {url!r} must use https (credentials are sent to it), "
                         "except on localhost")
    return url


class _RebasedHttpClient(TwilioHttpClient):
    """twilio-python's HTTP client with every request sent to another scheme and host."""

    def __init__(self, base_url: str, timeout: float):
        """Send to ``base_url`` (may be "" for Twilio's own hosts), each request within ``timeout`` s."""
        super().__init__(timeout=timeout, logger=_quiet)
        self.base = urlsplit(base_url) if base_url else None

    def request(self, method, url, *args, **kwargs):
        """The same request, to the base URL's scheme and host."""
        if self.base is not None:
            parts = urlsplit(url)
            url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def configured(config: Mapping) -> bool:
    """True when the settings name an account and a way to sign in to it."""
    return bool(config.get("TWILIO_ACCOUNT_SID") and (
        config.get("TWILIO_AUTH_TOKEN") or (config.get("TWILIO_API_KEY") and config.get("TWILIO_API_SECRET"))))


def client(config: Mapping, timeout: float = 10.0) -> Client | None:
    """A Client for the configured account (an API key pair wins over the auth token), or None."""
    if not configured(config):
        return None
    http = _RebasedHttpClient(config.get("TWILIO_API_BASE_URL", ""), timeout)
    sid = config["TWILIO_ACCOUNT_SID"]
    if config.get("TWILIO_API_KEY") and config.get("TWILIO_API_SECRET"):
        return Client(config["TWILIO_API_KEY"], config["TWILIO_API_SECRET"], account_sid=sid, http_client=http)
    return Client(sid, config["TWILIO_AUTH_TOKEN"], http_client=http)


def failure_in_words(exc: Exception) -> str:
    """One line on a failed REST call: Twilio's status, message and code (or why it was not reached); what to check."""
    if isinstance(exc, requests.RequestException):
        host = urlsplit(exc.request.url).netloc if exc.request is not None else "Twilio"
        return (f"Twilio could not be reached at {host}: {_network_reason(exc)}: check this machine's network, DNS, "
                "firewall or proxy (outbound https to api.twilio.com) and TWILIO_API_BASE_URL if set")
    if isinstance(exc, TwilioRestException):
        status, message, code = exc.status, exc.msg, exc.code
    else:  # a list answers an error with a bare Response
        response = next((a for a in exc.args if hasattr(a, "status_code")), None)
        if response is None:
            return f"Twilio's client failed: {exc}"
        try:
            body = json.loads(response.text)
        except ValueError:
            body = {}
        status, message, code = response.status_code, body.get("message", response.text[:200]), body.get("code")
    check = CHECK.get(status) or ("Twilio's side failed: see status.twilio.com and run it again later"
                                  if status >= 500 else "see the error's page")
    page = f", https://www.twilio.com/docs/errors/{code}" if code else ""
    return f"Twilio answered {status}: {message} (error {code or '?'}{page}): {check}"


def _network_reason(exc: requests.RequestException) -> str:
    """The operating system's words for a failed connection ("Connection refused"), else the error's kind."""
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the TLS handshake failed (a certificate or a proxy in the way)"
    cause = exc.args[0] if exc.args else exc
    cause = getattr(cause, "reason", cause)  # urllib3's MaxRetryError holds the real error
    while getattr(cause, "__cause__", None) is not None:  # the first argument may be plain words
        cause = cause.__cause__
    return getattr(cause, "strerror", None) or (cause if isinstance(cause, str) else type(cause).__name__)
