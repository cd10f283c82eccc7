"""The staff console at /console/: login, simulators, reply tests. Every page needs a login."""
from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_login import LoginManager, current_user

from . import accounts, auth, changes, home, resources, simulators, usage

bp = Blueprint("console", __name__, url_prefix="/console", static_folder="static")
bp.register_blueprint(auth.bp)
bp.register_blueprint(home.bp)
bp.register_blueprint(simulators.bp)
bp.register_blueprint(usage.bp)
bp.register_blueprint(accounts.bp)
bp.register_blueprint(resources.bp)
bp.register_blueprint(changes.bp)

OPEN_ENDPOINTS = {"console.auth.login", "console.static"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
login_manager = LoginManager()


TABLE_SAVES = {"console.resources.save", "console.changes.edit_file"}  # whole files of the table (examples)


def init_body_limits(app: Flask) -> None:
    """Table saves may send a whole file (TABLE_SAVE_MAX_BYTES); everything else keeps MAX_CONTENT_LENGTH."""
    @app.before_request
    def larger_body_for_table_saves():
        """Raise the body limit for the routes that save a whole file of the table."""
        if request.endpoint in TABLE_SAVES:
            request.max_content_length = app.config["TABLE_SAVE_MAX_BYTES"]


def init_app(app: Flask) -> None:
    """Register the console and its login manager."""
    login_manager.init_app(app)
    app.register_blueprint(bp)


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
