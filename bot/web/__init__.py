"""Twilio's side: signed webhooks in (/sms, /voice), TwiML out, /healthz, /metrics, and brief error answers.

A face: each view reads the request, asks the conversation, and renders a template of
templates/twiml/. Only requests that Twilio signed get in (``twilio_auth``).
"""
from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect

from . import errors, health, metrics, sms, voice


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    """Register the webhooks, /healthz and /metrics; the webhooks are signed, so they need no CSRF token."""
    errors.init_app(app)  # short plain-text 4xx/5xx answers, never HTML pages
    for blueprint in (sms.bp, voice.bp):
        app.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.register_blueprint(health.bp)
    metrics.init_app(app)
