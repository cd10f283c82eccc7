"""bot/console/cookies.py: the session cookie is Secure when the request was, unless the setting says otherwise;
the sign-in page says why when the browser did not send the cookie back."""
from __future__ import annotations

import re

import pytest

from bot import create_app
from conftest import STAFF_PASSWORD, post_signed

LAN = "http://192.168.1.20:5000"


@pytest.fixture
def make(app_config):
    """An app with SESSION_COOKIE_SECURE as given (None: unset, as by default)."""
    made = []

    def build(secure, **extra):
        app = create_app({**app_config, "SESSION_COOKIE_SECURE": secure, **extra})
        made.append(app)
        return app

    yield build
    for app in made:
        app.extensions["store"].close()


def session_cookie(response) -> str:
    """The Set-Cookie header of the session."""
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def sign_in(client, base_url: str, email: str):
    """Sign in through the form at ``base_url``; the response to the POST."""
    page = client.get("/console/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/console/login", base_url=base_url,
                       data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token})


def add(app, email="staff@example.org"):
    """An account in the app's database."""
    from bot.store import get_store, staff
    with app.app_context(), get_store().session() as session:
        staff.add(session, email, STAFF_PASSWORD)
    return email


def test_unset_follows_the_request(make):
    app = make(None)
    client = app.test_client()
    assert "Secure" not in session_cookie(client.get("/console/login", base_url=LAN))
    assert "Secure" in session_cookie(client.get("/console/login", base_url="https://helpline.example.org"))


def test_sign_in_over_plain_http_on_a_lan_address_by_default(make, app_config):
    app = make(None)
    email = add(app)
    client = app.test_client()
    page = client.get("/console/login", base_url=LAN).get_data(as_text=True)
    assert 'id="cookie-refused"' not in page
    response = sign_in(client, LAN, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/console/", base_url=LAN).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(make):
    app = make(None, PROXY_FIX=1)
    response = app.test_client().get("/console/login", base_url="http://10.0.0.5",
                                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "h.example.org"})
    assert "Secure" in session_cookie(response)


def test_an_explicit_setting_wins(make):
    assert "Secure" in session_cookie(make(True).test_client().get("/console/login", base_url=LAN))
    assert "Secure" not in session_cookie(make(False).test_client().get("/console/login",
                                                                        base_url="https://h.example.org"))


def test_secure_cookie_over_http_elsewhere_is_explained_before_and_after(make):
    app = make(True)
    email = add(app)
    before = app.test_client().get("/console/login", base_url=LAN).get_data(as_text=True)
    assert 'id="cookie-refused"' in before and "SESSION_COOKIE_SECURE" in before
    local = app.test_client().get("/console/login", base_url="http://localhost:5000").get_data(as_text=True)
    assert 'id="cookie-refused"' not in local  # browsers send Secure cookies to localhost
    browser = app.test_client(use_cookies=False)  # what a browser does with a Secure cookie over http
    page = browser.get("/console/login", base_url=LAN).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = browser.post("/console/login", base_url=LAN,
                           data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "did not send the console's cookie back" in text and "SESSION_COOKIE_SECURE=1" in text
    assert "CSRF session token is missing" not in text


def test_cookies_blocked_on_https_says_to_allow_them(make):
    browser = make(None).test_client(use_cookies=False)
    https = "https://h.example.org"
    page = browser.get("/console/login", base_url=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    text = browser.post("/console/login", base_url=https, data={"email": "a@b.org", "password": "x" * 12,
                                                                "csrf_token": token}).get_data(as_text=True)
    assert "Allow cookies for h.example.org" in text


@pytest.mark.parametrize("value, expected", [("", None), ("1", True), ("0", False), ("true", True)])
def test_setting_from_the_environment(monkeypatch, value, expected):
    from flask import Flask
    from bot.config import configure
    monkeypatch.setenv("SESSION_COOKIE_SECURE", value)
    app = Flask(__name__)
    configure(app, {})
    assert app.config["SESSION_COOKIE_SECURE"] is expected


def test_a_webhook_reply_carries_no_session_header(make):
    """A signed text (no cookie comes with it) gets neither a cookie nor Vary: Cookie, though Flask-Login
    reads the session after every request; a signed-in page still varies by the cookie."""
    app = make(None)
    client = app.test_client()
    response = post_signed(client, "/sms", {"From": "+12095550111", "Body": "help", "MessageSid": "SM" + "3" * 32})
    assert response.status_code == 200
    assert "Vary" not in response.headers and "Set-Cookie" not in response.headers
    sign_in(client, LAN, add(app))
    assert "Cookie" in client.get("/console/", base_url=LAN).headers.get("Vary", "")
