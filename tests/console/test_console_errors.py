"""bot/console/errors.py: 403, 404 and 500 in the console are pages with the navigation and a way back."""
from __future__ import annotations

import pytest

from bot import create_app


def test_403_is_a_page_with_the_navigation(login):
    response = login("staff").get("/console/accounts")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "This page is for admins" in page and 'href="/console/sms"' in page and 'href="/console/"' in page


def test_404_for_an_unknown_console_address(login):
    client = login("staff")
    response = client.get("/console/no-such-page")
    assert response.status_code == 404 and "No such page" in response.get_data(as_text=True)
    assert 'href="/console/"' in response.get_data(as_text=True)


def test_unknown_console_address_asks_a_stranger_to_sign_in(client):
    assert client.get("/console/no-such-page").status_code == 302


def test_webhook_errors_stay_short(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/plain"


@pytest.fixture
def failing_app(app_config):
    """An app whose console has a page that fails, with errors handled as in production."""
    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise RuntimeError("boom")

    app.view_functions["console.home.index"] = broken
    yield app
    app.extensions["store"].close()


def test_500_is_a_page(failing_app):
    from conftest import STAFF_PASSWORD, csrf_token
    from bot.store import get_store, staff
    with failing_app.app_context(), get_store().session() as session:
        staff.add(session, "a@example.org", STAFF_PASSWORD)
    client = failing_app.test_client()
    client.post("/console/login", data={"email": "a@example.org", "password": STAFF_PASSWORD,
                                        "csrf_token": csrf_token(client, "/console/login")})
    response = client.get("/console/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
