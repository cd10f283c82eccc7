"""The baseline of the webhook benchmark: a bare Flask app that answers POST /sms with fixed TwiML.

It checks nothing (no signature, no form, no database), so the gap between it and the bot, under
the same gunicorn settings and traffic, is what the bot's own work costs. The reply is about as
long as a real one, so both send the same amount of data. Served by bench/webhook.py as
``gunicorn --pythonpath bench 'bare_app:create_app()'``.
"""
from __future__ import annotations

from flask import Flask, Response

REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Response><Message>Trafficking help, 24/7:\n"
    "Women's Center Youth &amp; Family Services, Human Trafficking hotline: (209) 948-1911, 24/7.\n"
    "National Human Trafficking Hotline: (888) 373-7888, 24/7, text 233733. Interpreters.\n"
    "In immediate danger? Call 911.\n"
    "Automated line: no one reads texts. To talk to someone, call a number above.</Message></Response>"
)


def create_app() -> Flask:
    """The bare app: fixed TwiML on POST /sms, and GET /healthz for the start-up check."""
    app = Flask(__name__)

    @app.post("/sms")
    def sms() -> Response:
        """The same reply to every request, unchecked."""
        return Response(REPLY, mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> dict:
        """Up."""
        return {"status": "ok"}

    return app
