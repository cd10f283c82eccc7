"""The console's home: the go-live checks of `flask doctor`, and plain words when real texts are refused."""
from __future__ import annotations

import html
import re

import pytest


def checks(page: str) -> dict[str, str]:
    """The go-live list of the home page: name -> "State detail"."""
    section = re.search(r'<section id="go-live">(.*?)</section>', page, re.S).group(1)
    found = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S):
        state, rest = re.match(r"\s*<strong>(.*?)</strong>\s*(.*)", item, re.S).groups()
        name, _, detail = html.unescape(" ".join(rest.split())).partition(": ")
        found[name] = f"{state} {detail}"
    return found


@pytest.mark.once
def test_home_says_every_real_text_is_refused_without_the_auth_token(app, login):
    client = login("admin")
    app.config["TWILIO_AUTH_TOKEN"] = ""
    page = client.get("/console/").get_data(as_text=True)
    assert "TWILIO_AUTH_TOKEN is not set: every real text and call is refused" in page
    found = checks(page)
    assert found["TWILIO_AUTH_TOKEN"].startswith("Not ready not set")
    app.config["TWILIO_AUTH_TOKEN"] = "a-token"
    page = client.get("/console/").get_data(as_text=True)
    assert "every real text and call is refused" not in page
    assert checks(page)["TWILIO_AUTH_TOKEN"].startswith("Ready set")


def test_home_lists_the_go_live_checks(app, login):
    client = login("staff")
    page = client.get("/console/").get_data(as_text=True)
    found = checks(page)
    assert found["Admin account"] == "Not ready none: `flask --app bot add-staff EMAIL --role admin`"
    assert found["Reply tests"].startswith("Ready all ")
    assert found["Twilio number"].startswith("Warning not checked")
    assert "Not yet: " in page
    login("admin", "admin@example.org")
    assert checks(client.get("/console/").get_data(as_text=True))["Admin account"] == "Ready 1 admin account(s)"
