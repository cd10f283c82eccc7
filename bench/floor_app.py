"""The signed floor of the webhook benchmark: Flask, the form and RequestValidator, and nothing else.

It does what every Twilio webhook must do before any work of its own (parse the form, check the
X-Twilio-Signature with twilio's RequestValidator) and answers fixed TwiML as long as a real reply,
with no state and no database: the most a signed webhook can serve under the same gunicorn settings.
Served by bench/webhook.py as ``gunicorn --pythonpath bench 'floor_app:create_app()'``. Settings
from the environment: TWILIO_AUTH_TOKEN, TUTORIAL_URL (the URL the traffic was signed for).
"""
from __future__ import annotations

import os

from bare_app import REPLY
from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator


def create_app() -> Flask:
    """The floor app: signature check over the parsed form, then the fixed reply."""
    app = Flask(__name__)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    url = os.environ["TUTORIAL_URL"]

    @app.post("/sms")
    def sms() -> Response:
        """Check the signature, answer."""
        if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        return Response(REPLY, mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> dict:
        """Up."""
        return {"status": "ok"}

    return app
