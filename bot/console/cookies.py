"""The console's session cookie: Secure when the request itself came over https, unless set explicitly.

``SESSION_COOKIE_SECURE`` unset (None) lets the cookie follow ``request.is_secure`` (through the
trusted proxy when ``PROXY_FIX`` is set), so the console signs in over plain http on a LAN address
or a VM, and over https the cookie is never sent in the clear. 1 or 0 in the environment wins.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


class RequestSecureSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the Secure flag taken from the request when not configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """The configured flag, or whether this request came over https."""
        setting = app.config["SESSION_COOKIE_SECURE"]
        return request.is_secure if setting is None else bool(setting)

    def open_session(self, app: Flask, request):
        """Without a session cookie a new empty session, without building the signer (every webhook)."""
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        """An empty session that nothing changed, on a request that brought no cookie, writes no cookie
        and no header: skip the cookie settings. (Flask-Login reads the session after every request,
        which would add ``Vary: Cookie`` to every webhook reply; the console's pages are ``no-store``.)"""
        if session or session.modified or (session.accessed and "HTTP_COOKIE" in request.environ):
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use the request-following session cookie."""
    app.session_interface = RequestSecureSessionInterface()


def cookie_refused() -> bool:
    """True when this request carries no session cookie at all (the browser kept it or refused it)."""
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


def insecure_for_browser() -> bool:
    """True when the cookie is Secure but this page came over plain http on a host browsers do not trust:
    the browser will not send the cookie back, so signing in cannot work."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) and not request.is_secure and host not in LOCAL_HOSTS
