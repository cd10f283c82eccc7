"""Sign-in: throttled per client address and per email before hashing, the same answers for known
and unknown emails, short account locks, sessions that end at sign-out, strong passwords only,
and a login flood that leaves texts answered within 3 s."""
from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
import requests

from bot.console import auth
from bot.store import get_store, sign_in_throttle, staff
from conftest import AUTH_TOKEN, STAFF_PASSWORD, csrf_token, sign



def try_login(client, email, password="wrong password", address="127.0.0.1", **headers):
    token = csrf_token(client, "/console/login")
    return client.post("/console/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def hashes(monkeypatch):
    """How many passwords the sign-in page hashed (werkzeug's own check, counted)."""
    calls = []
    original = auth.check_password_hash

    def counted(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(auth, "check_password_hash", counted)
    return calls


def test_known_and_unknown_emails_answer_alike(app, client, add_staff):
    add_staff("known@example.org")
    known = [try_login(client, "known@example.org", address=f"10.0.0.{i}") for i in range(5)]
    unknown = [try_login(client, "nobody@example.org", address=f"10.0.1.{i}") for i in range(5)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401, 401, 401, 429, 429]
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))
    assert strip(known[0]) == strip(unknown[0]) and strip(known[-1]).replace("known", "nobody") == strip(unknown[-1])


def test_throttled_tries_are_refused_before_hashing(app, add_staff, hashes):
    client = app.test_client()
    for i in range(30):  # one address, a new email every time
        response = try_login(client, f"guess{i}@example.org")
        assert response.status_code in (401, 429)
    assert len(hashes) == sign_in_throttle.BY_ADDRESS.free  # only the free tries were hashed
    assert response.status_code == 429 and "Retry-After" in response.headers


def test_the_client_address_honours_proxy_fix(app_config, hashes):
    from bot import create_app
    app = create_app({**app_config, "PROXY_FIX": 1})
    client = app.test_client()
    for i in range(sign_in_throttle.BY_ADDRESS.free + 2):  # each from its own address, as the proxy says
        assert try_login(client, f"x{i}@example.org", X_FORWARDED_FOR=f"192.0.2.{i}").status_code == 401
    app.extensions["store"].close()


def test_a_throttled_address_is_refused_from_memory_even_with_the_database_down(app, hashes):
    client = app.test_client()
    for i in range(sign_in_throttle.BY_ADDRESS.free + 1):
        response = try_login(client, f"guess{i}@example.org")
    assert response.status_code == 429
    app.extensions["store"].guard.trip("a test")  # every database call now fails at once
    refused = [try_login(client, f"more{i}@example.org") for i in range(5)]
    assert [r.status_code for r in refused] == [429] * 5 and "Retry-After" in refused[-1].headers
    assert len(hashes) == sign_in_throttle.BY_ADDRESS.free
    assert try_login(client, "other@example.org", address="198.51.100.1").status_code == 503  # not known: read


def test_a_real_user_is_locked_out_briefly_only(app, client, add_staff):
    now = datetime.now(timezone.utc)
    assert sign_in_throttle.wait_seconds(1000, now, now, sign_in_throttle.BY_EMAIL) <= 30
    assert sign_in_throttle.wait_seconds(2, now, now, sign_in_throttle.BY_EMAIL) == 0
    add_staff("a@example.org")
    for i in range(6):
        try_login(client, "a@example.org", address=f"10.0.2.{i}")
    assert try_login(client, "a@example.org", STAFF_PASSWORD, address="10.0.3.1").status_code == 429


def test_failures_are_counted_atomically(app):
    keys = sign_in_throttle.throttle_keys(b"k", "203.0.113.9", "a@example.org")
    with app.app_context():
        store = get_store()
        with ThreadPoolExecutor(10) as pool:
            list(pool.map(lambda _: store.write(sign_in_throttle.record_failure, keys), range(40)))
        with store.session() as session:
            from bot.store.models import LoginFailure
            assert sorted(session.get(LoginFailure, k).failures for k in keys) == [40, 40]


def test_sessions_end_at_sign_out(app, login):
    client = login()
    cookie = client.get_cookie("session").value
    assert client.get("/console/").status_code == 200
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/console/").status_code == 302  # the old cookie no longer works


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "password123", "0123456789"])
def test_weak_passwords_are_refused(app, runner, password):
    result = runner.invoke(args=["add-staff", "weak@example.org", "--password-stdin"], input=password + "\n")
    assert result.exit_code != 0 and "easy to guess" in result.output
    with app.app_context(), get_store().session() as session, pytest.raises(staff.WeakPassword):
        staff.add(session, "weak@example.org", password)


@pytest.mark.parametrize("target", ["/console/\r\nSet-Cookie: x=1", "/console/%0d%0a", "/\\evil.example"])
def test_next_with_a_line_break_is_not_followed(client, add_staff, target):
    add_staff("a@example.org")
    token = csrf_token(client, "/console/login")
    response = client.post("/console/login", query_string={"next": target},
                           data={"email": "a@example.org", "password": STAFF_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers["Location"]


def test_a_login_flood_leaves_texts_answered(database_url, gunicorn):
    base = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "flood-secret",
                     "SENDER_HASH_KEY": "flood-hash", "SESSION_COOKIE_SECURE": "0"})
    statuses, took, stop = [], [], threading.Event()

    def attack(i: int) -> None:
        with requests.Session() as s:
            for j in range(3):
                page = s.get(f"{base}/console/login", timeout=60).text
                token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
                r = s.post(f"{base}/console/login", timeout=60,
                           data={"email": f"user{i}-{j}@example.org", "password": "wrong guess", "csrf_token": token})
                statuses.append(r.status_code)

    def texter() -> None:
        n = 0
        while not stop.is_set():
            params = {"From": "+12095550150", "Body": "help", "MessageSid": f"SM{n:032d}"}
            began = time.monotonic()
            r = requests.post(f"{base}/sms", data=params, timeout=30,
                              headers={"X-Twilio-Signature": sign(f"{base}/sms", params)})
            took.append((time.monotonic() - began, r.status_code, "911" in r.text))
            n += 1
            time.sleep(0.1)

    texting = threading.Thread(target=texter)
    texting.start()
    with ThreadPoolExecutor(100) as pool:
        list(pool.map(attack, range(100)))
    stop.set()
    texting.join()
    assert len(statuses) == 300 and set(statuses) <= {401, 429}, sorted(set(statuses))
    assert took and all(code == 200 and has_911 for _, code, has_911 in took)
    assert max(t for t, _, _ in took) < 3, max(took)

