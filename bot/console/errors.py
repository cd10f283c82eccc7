"""The console's error pages (403, 404, 500...), styled and with the navigation, and the sign-in
page's explanation when the browser did not send the session cookie back."""
from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, default_exceptions

from . import cookies

log = logging.getLogger(__name__)


def init_blueprint(bp: Blueprint) -> None:
    """Register the pages on the console's blueprint (every console URL, unknown ones included)."""
    bp.register_error_handler(CSRFError, csrf_failed)
    for code in default_exceptions:
        if code >= 400:
            bp.register_error_handler(code, page)
    bp.add_url_rule("/<path:anything>", "unknown", unknown)
    bp.context_processor(lambda: {"cookie_insecure": cookies.insecure_for_browser})


def unknown(anything: str):
    """A console address that names no page: the 404 page (signed-in staff only)."""
    raise NotFound()


def page(error: HTTPException):
    """The error as a console page; the plain answer if even that cannot be drawn."""
    if error.response is not None:
        return error
    try:
        return render_template("console/error.html", error=error, csrf=False), error.code
    except Exception:  # a dead database while loading the user, say: the short answer still goes out
        log.exception("console error page for %s failed", error.code)
        return f"{error.code} {error.name}\n", error.code, {"Content-Type": "text/plain; charset=utf-8"}


def csrf_failed(error: CSRFError):
    """A form without a valid CSRF token: on the sign-in page, say why the cookie went missing."""
    try:
        if request.endpoint == "console.auth.login" and cookies.cookie_refused():
            from .auth import LoginForm  # the sign-in form, drawn again with the reason (never from the body)
            return render_template("console/login.html", form=LoginForm(formdata=None), cookie_refused=True), 400
        return render_template("console/error.html", error=error, csrf=True), 400
    except Exception:  # the page cannot be drawn (a dead database, say): the short answer still goes out
        log.exception("console CSRF page failed")
        return f"400 {error.description}\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
