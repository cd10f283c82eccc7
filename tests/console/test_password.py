"""bot/console/password.py: staff change their own password, the current one required."""
from __future__ import annotations

from conftest import STAFF_PASSWORD, csrf_token


def change(client, current, new, confirm=None):
    """Post the password form."""
    return client.post("/console/password", data={"csrf_token": csrf_token(client, "/console/password"),
                                                  "current": current, "password": new,
                                                  "confirm": new if confirm is None else confirm})


def sign_in(client, email, password):
    """The status of a sign-in try."""
    token = csrf_token(client, "/console/login")
    return client.post("/console/login", data={"email": email, "password": password,
                                              "csrf_token": token}).status_code


def test_change_own_password(app, login):
    client = login()
    assert change(client, STAFF_PASSWORD, "a new long passphrase").status_code == 302
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert sign_in(client, "staff@example.org", STAFF_PASSWORD) == 401
    assert sign_in(client, "staff@example.org", "a new long passphrase") == 302


def test_wrong_current_password_changes_nothing(app, login):
    client = login()
    response = change(client, "not my password", "a new long passphrase")
    assert response.status_code == 400 and "not your current password" in response.get_data(as_text=True)
    assert change(client, STAFF_PASSWORD, "short").status_code == 400
    assert "differ" in change(client, STAFF_PASSWORD, "a new long passphrase", "another one!!").get_data(as_text=True)
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert sign_in(client, "staff@example.org", STAFF_PASSWORD) == 302


def test_needs_sign_in(client):
    assert client.get("/console/password").status_code == 302
