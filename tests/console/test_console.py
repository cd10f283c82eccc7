"""The staff console, through the test client: login everywhere, CSRF, throttling, simulators."""
import html
import json
import re

import pytest
from sqlalchemy import func, select

from bot import create_app
from bot.store import get_store
from bot.store.models import Sender, SimulatedSender
from conftest import STAFF_PASSWORD, csrf_token

PAGES = ["/console/", "/console/sms", "/console/call", "/console/tests"]


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


@pytest.mark.parametrize("path", PAGES[1:])
def test_strangers_cannot_post_even_with_a_token(client, path):
    token = csrf_token(client, "/console/login")
    response = client.post(path, data={"csrf_token": token, "body": "help"})
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]


def test_login_form_carries_a_csrf_token(client):
    html = client.get("/console/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html


def test_login_and_every_page(login):
    client = login()
    for path in PAGES:
        assert client.get(path).status_code == 200, path


def test_wrong_password(client, add_staff):
    add_staff("a@example.org")
    token = csrf_token(client, "/console/login")
    response = client.post("/console/login", data={"email": "a@example.org", "password": "nope",
                                                  "csrf_token": token})
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_unknown_email(client):
    token = csrf_token(client, "/console/login")
    response = client.post("/console/login", data={"email": "who@example.org", "password": "x",
                                                  "csrf_token": token})
    assert response.status_code == 401


def test_csrf_is_enforced(client, add_staff):
    add_staff("a@example.org")
    response = client.post("/console/login", data={"email": "a@example.org", "password": STAFF_PASSWORD})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


def test_csrf_is_enforced_when_signed_in(login):
    client = login()
    assert client.post("/console/sms", data={"body": "help"}).status_code == 400
    assert client.post("/console/logout").status_code == 400


def test_wrong_passwords_slow_further_tries(client, add_staff):
    add_staff("a@example.org")
    token = csrf_token(client, "/console/login")
    for _ in range(3):
        client.post("/console/login", data={"email": "a@example.org", "password": "bad", "csrf_token": token})
    response = client.post("/console/login", data={"email": "a@example.org", "password": STAFF_PASSWORD,
                                                  "csrf_token": token})
    assert response.status_code == 429
    assert "Try again in" in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_next_only_goes_to_this_site(client, add_staff):
    add_staff("a@example.org")
    token = csrf_token(client, "/console/login")
    data = {"email": "a@example.org", "password": STAFF_PASSWORD, "csrf_token": token}
    assert client.post("/console/login?next=//evil.example/x", data=data).headers["Location"] == "/console/"
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert client.post("/console/login?next=/console/call", data=data).headers["Location"] == "/console/call"


def test_logout(login):
    client = login()
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert client.get("/console/").status_code == 302


def test_session_cookie_flags(app_config, add_staff):
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    cookies = client.get("/console/login", base_url="https://localhost").headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_security_headers(login):
    headers = login().get("/console/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def send_sms(client, body, history="[]", language=""):
    """Post the SMS simulator form; returns the page."""
    token = csrf_token(client, "/console/sms")
    return client.post("/console/sms", data={"csrf_token": token, "body": body, "language": language,
                                             "history": history}).get_data(as_text=True)


def test_sms_simulator(app, login):
    client = login()
    page = send_sms(client, "help")
    assert "(209) 948-1911" in page and "(888) 373-7888" in page
    assert "GSM-7, 2 segments" in page
    history = re.search(r'name="history" type="hidden" value="([^"]*)"', page).group(1)
    page = send_sms(client, "STOP", history=history.replace("&#34;", '"'))
    assert "no reply" in page
    page = send_sms(client, "help")  # a new page: only this exchange is shown
    assert "no reply" in page and "(209) 948-1911" not in page
    with app.app_context(), get_store().session() as session:
        assert session.scalar(select(func.count()).select_from(SimulatedSender)) == 1
        assert session.scalar(select(func.count()).select_from(Sender)) == 0


def test_sms_simulator_language(login):
    page = send_sms(login(), "help", language="es")
    assert "Si está en peligro, llame al 911." in page  # a bare cry: DANGER first, in the chosen Spanish


def press(client, steps, key=None, phrase=""):
    """Post the call simulator form; returns the page."""
    token = csrf_token(client, "/console/call")
    data = {"csrf_token": token, "steps": json.dumps(steps), "phrase": phrase}
    if key:
        data["press"] = key
    return client.post("/console/call", data=data).get_data(as_text=True)


def test_call_simulator(login):
    client = login()
    page = client.get("/console/call").get_data(as_text=True)
    assert "If you are in immediate danger, hang up and call 911." in page
    page = press(client, [], key="1")
    assert 'id="connected"' in page and "(209) 948-1911" in page
    page = press(client, ["9"], phrase="vivienda")
    assert "(209) 259-5552" in page and "Le comunicamos" in page
    page = press(client, ["1"], phrase="dial=busy")
    assert "(888) 373-7888" in page


def test_call_simulator_from_a_mobile_offers_the_numbers_by_text(app, login):
    prompts = app.extensions["store"].snapshot().table.prompts
    client = login()
    page = client.get("/console/call").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="texts"', page)  # a mobile caller by default
    token = csrf_token(client, "/console/call")
    page = client.post("/console/call", data={"csrf_token": token, "steps": json.dumps(["5"]), "press": "1",
                                              "texts": "y"}).get_data(as_text=True)
    assert prompts["text_sent"]["en"] in page
    page = client.post("/console/call", data={"csrf_token": token, "steps": json.dumps(["5"]),
                                              "phrase": "text=failed", "texts": "y"}).get_data(as_text=True)
    assert html.unescape(prompts["text_failed"]["en"]) in html.unescape(page) and "(888) 373-7888" in page


def test_call_simulator_refuses_impossible_steps(login):
    page = press(login(), ["1"], key="2")
    assert "only dial=STATUS can follow" in page


def test_reply_tests_page(login):
    client = login()
    token = csrf_token(client, "/console/tests")
    page = client.post("/console/tests", data={"csrf_token": token}).get_data(as_text=True)
    assert re.search(r"(\d+) of \1 passed", page)
    assert "FAIL" not in page


def test_call_simulator_names_lines_not_keys(app, login):
    table = app.extensions["store"].snapshot().table
    client = login()
    page = press(client, [], key="2")
    chest = table.resources["chest-of-hope-helpline"]
    status = re.findall(r'<p class="status">(.*?)</p>', page, re.S)[-1]
    assert html.unescape(status) == f'connecting to {chest.name["en"]} <span class="number">(209) 259-5552</span>'
    assert html.unescape(re.search(r'id="connected">(.*?)</p>', page, re.S).group(1)) == \
        f'Connected to {chest.name["en"]} <span class="number">(209) 259-5552</span>'
    assert not [key for key in table.resources if key in page]
    tree = client.get("/console/call").get_data(as_text=True).split('class="tree"')[1]
    assert "Menu (Español)" in tree and "<kbd>5</kbd> the numbers by text" in tree  # languages, actions in words
    assert "the call is connected to " + chest.name["en"] in html.unescape(press(client, ["2"], key="3"))


def test_sms_simulator_history_that_is_not_its_own_is_left_out(login):
    client = login()
    page = send_sms(client, "help", history='[{"text": "hi", "topics": 5, "lang": "en"}, 7, {"topics": []}]')
    assert "(209) 948-1911" in page
