"""bot/console/password.py: staff change their own password, the current one required and throttled,
the new one held to the one rule; a change ends the account's other sessions."""
from __future__ import annotations

import html

import pytest

from bot.console import auth
from bot.store import get_store, sign_in_throttle, staff
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


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "password123", "0123456789"])
def test_a_weak_new_password_is_refused(app, login, weak):
    client = login()
    response = change(client, STAFF_PASSWORD, weak)
    assert response.status_code == 400
    assert staff.password_problem(weak, "staff@example.org") in html.unescape(response.get_data(as_text=True))
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert sign_in(client, "staff@example.org", STAFF_PASSWORD) == 302  # the old password still holds


def test_one_rule_for_every_way_to_set_a_password(app, runner, login):
    problem = staff.password_problem("aaaaaaaaaa", "new@example.org")
    assert problem and "easy to guess" in problem
    assert staff.password_problem("short", "") and staff.password_problem("x" * 201, "")
    assert staff.password_problem("new@example.org1", "new@example.org")  # the email itself is easy to guess
    assert staff.password_problem("a new long passphrase", "new@example.org") is None
    result = runner.invoke(args=["add-staff", "new@example.org", "--password-stdin"], input="aaaaaaaaaa\n")
    assert result.exit_code != 0 and problem in result.output
    client = login("admin")
    page = client.post("/console/accounts", data={"email": "new@example.org", "role": "staff",
                                                  "password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa",
                                                  "csrf_token": csrf_token(client, "/console/accounts")})
    assert page.status_code == 400 and problem in html.unescape(page.get_data(as_text=True))
    with app.app_context(), get_store().session() as session:
        assert staff.find(session, "new@example.org") is None
        with pytest.raises(staff.WeakPassword, match="easy to guess"):
            staff.set_password(session, staff.find(session, "admin@example.org"), "aaaaaaaaaa")


def test_a_change_signs_out_every_other_session(app, login):
    mine = login()
    other = app.test_client()
    assert sign_in(other, "staff@example.org", STAFF_PASSWORD) == 302
    copied = app.test_client()
    copied.set_cookie("session", mine.get_cookie("session").value)  # a session copied before the change
    assert other.get("/console/").status_code == copied.get("/console/").status_code == 200
    assert change(mine, STAFF_PASSWORD, "a new long passphrase").status_code == 302
    assert mine.get("/console/").status_code == 200  # the session that changed it goes on
    assert other.get("/console/").status_code == 302 and copied.get("/console/").status_code == 302
    assert "/console/login" in other.get("/console/").headers["Location"]


def test_wrong_current_passwords_are_throttled_like_sign_in(app, login, monkeypatch):
    client = login()
    hashed = []
    original = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda *args: hashed.append(1) or original(*args))
    statuses = [change(client, f"guess number {i}", "a new long passphrase").status_code for i in range(30)]
    assert statuses[:sign_in_throttle.BY_EMAIL.free] == [400] * sign_in_throttle.BY_EMAIL.free
    assert set(statuses[sign_in_throttle.BY_EMAIL.free:]) == {429}  # refused before any hashing
    assert len(hashed) == sign_in_throttle.BY_EMAIL.free
    response = change(client, STAFF_PASSWORD, "a new long passphrase")  # even the right one waits
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert sign_in(app.test_client(), "staff@example.org", STAFF_PASSWORD) == 429  # sign-in shares the count
