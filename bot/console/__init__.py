"""The staff console at /console/: login, simulators, reply tests. Every page needs a login."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from flask_login import LoginManager, current_user

from . import (accounts, auth, cards, changes, cookies, errors, history, home, numbers, password, resources, simulators,
               usage)

bp = Blueprint("console", __name__, url_prefix="/console", static_folder="static")
bp.register_blueprint(auth.bp)
bp.register_blueprint(home.bp)
bp.register_blueprint(simulators.bp)
bp.register_blueprint(usage.bp)
bp.register_blueprint(accounts.bp)
bp.register_blueprint(resources.bp)
bp.register_blueprint(changes.bp)
bp.register_blueprint(history.bp)
bp.register_blueprint(password.bp)
bp.register_blueprint(cards.bp)  # cards, interpreter lines
errors.init_blueprint(bp)
numbers.init_blueprint(bp)

OPEN_ENDPOINTS = {"console.auth.login", "console.static"}
TABLE_FORMS = ("/console/files/", "/console/resources/save")  # they carry a whole file (examples.yaml is large)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Register the console and its login manager."""
    cookies.init_app(app)
    auth.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request_funcs.setdefault(None, []).insert(0, _body_limit)  # before CSRFProtect reads the form


def _body_limit() -> None:
    """A larger body limit (TABLE_SAVE_MAX_BYTES) for the file editor and its save, which carry a
    whole file (a save carries only the changed files); everything else keeps MAX_CONTENT_LENGTH."""
    if request.path.startswith(TABLE_FORMS):
        request.max_content_length = current_app.config["TABLE_SAVE_MAX_BYTES"]
        request.max_form_memory_size = current_app.config["TABLE_SAVE_MAX_BYTES"]


@bp.before_request
def require_login():
    """Send a stranger to the login form, whatever console page they asked for."""
    if request.endpoint not in OPEN_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()


@bp.after_request
def security_headers(response):
    """Strict headers on every console page."""
    response.headers.update(SECURITY_HEADERS)
    return response


login_manager.login_view = "console.auth.login"
login_manager.login_message = "Please sign in to use the console."
login_manager.session_protection = "strong"
login_manager.user_loader(auth.load_user)
