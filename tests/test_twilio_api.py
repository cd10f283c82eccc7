"""bot/twilio_api.py: the REST client goes where TWILIO_API_BASE_URL says, only over https off loopback."""
from __future__ import annotations

import pytest
import requests

from bot import create_app, twilio_api

SID = "AC" + "1" * 32


@pytest.fixture
def fake_twilio(local_api):
    """A local stand-in for api.twilio.com that records each request and answers an account."""
    seen = []

    def answer(request):
        seen.append(request)
        return 200, {"sid": SID, "friendly_name": "Helpline", "status": "active"}

    return local_api(answer), seen


@pytest.mark.parametrize("url", ["http://api.example.org", "ftp://127.0.0.1", "https://x.org/path", "nonsense"])
def test_base_url_must_be_https_off_loopback(url):
    with pytest.raises(ValueError):
        twilio_api.checked_base_url(url)


@pytest.mark.parametrize("url, kept", [("", ""), ("https://api.example.org/", "https://api.example.org"),
                                       ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
                                       ("http://localhost:9", "http://localhost:9")])
def test_base_url_accepted(url, kept):
    assert twilio_api.checked_base_url(url) == kept


def test_app_refuses_a_plain_http_base_url(app_config):
    with pytest.raises(RuntimeError, match="https"):
        create_app({**app_config, "TWILIO_API_BASE_URL": "http://twilio.example.org"})


def test_no_client_without_an_account():
    assert twilio_api.client({"TWILIO_AUTH_TOKEN": "t"}) is None
    assert twilio_api.client({"TWILIO_ACCOUNT_SID": SID, "TWILIO_API_KEY": "SK1"}) is None


def test_requests_go_to_the_base_url_with_the_api_key(fake_twilio):
    base, seen = fake_twilio
    client = twilio_api.client({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "tok", "TWILIO_API_KEY": "SKkey",
                                "TWILIO_API_SECRET": "secret", "TWILIO_API_BASE_URL": base}, timeout=5)
    account = client.api.v2010.accounts(SID).fetch()
    assert account.friendly_name == "Helpline"
    assert seen[0]["path"] == f"/2010-04-01/Accounts/{SID}.json"
    assert seen[0]["auth"] == "SKkey:secret"


def test_auth_token_used_without_a_key_pair(fake_twilio):
    base, seen = fake_twilio
    client = twilio_api.client({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "tok", "TWILIO_API_BASE_URL": base})
    client.api.v2010.accounts(SID).fetch()
    assert seen[0]["auth"] == f"{SID}:tok"


@pytest.mark.parametrize("error", [requests.ConnectionError("boom"), requests.exceptions.InvalidURL("bad url")])
def test_a_failure_given_in_plain_words_is_said_in_one_line(error):
    said = twilio_api.failure_in_words(error)
    assert "could not be reached" in said and "\n" not in said
