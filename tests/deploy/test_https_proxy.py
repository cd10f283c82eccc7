"""The shipped deployment, served here: gunicorn with deploy/gunicorn.conf.py behind Caddy with deploy/Caddyfile,
HTTPS on loopback from Caddy's local CA (nothing fetched), and a Twilio-signed text to the public https:// URL.

Without Caddy the test is skipped with the reason; CI sets REQUIRE_CADDY=1, so there a missing Caddy fails.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from bot import phones
from bot.table.files import read_table
from conftest import AUTH_TOKEN, DATA_DIR, sign, wait_until_up

DEPLOY = DATA_DIR.parent / "deploy"
# What the test adds to the shipped Caddyfile: loopback only, Caddy's own CA for every site (as "tls internal"
# on each), no trust store touched, no admin endpoint, no http listener.
TEST_OPTIONS = """{{
	admin off
	local_certs
	skip_install_trust
	auto_https disable_redirects
	default_bind 127.0.0.1
	http_port {http_port}
}}
import {caddyfile}
"""


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def caddy(tmp_path):
    """``caddy(upstream)``: deploy/Caddyfile served by Caddy on a free loopback port, proxying to ``upstream``
    ("127.0.0.1:PORT"); its https:// base URL and the path of its local CA's root certificate."""
    if shutil.which("caddy") is None:
        if os.environ.get("REQUIRE_CADDY") == "1":
            pytest.fail("REQUIRE_CADDY=1 but Caddy is not installed (apt-get install caddy)")
        pytest.skip("Caddy is not installed (apt-get install caddy)")
    running = []

    def serve(upstream: str) -> tuple[str, Path]:
        config, port = tmp_path / "Caddyfile", free_port()
        config.write_text(TEST_OPTIONS.format(http_port=free_port(), caddyfile=DEPLOY / "Caddyfile"))
        home = tmp_path / "caddy-home"  # Caddy's data (its CA, certificates) and config go here
        env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
               "XDG_CONFIG_HOME": str(home / "config"), "HELPLINE_DOMAIN": f"127.0.0.1:{port}",
               "HELPLINE_UPSTREAM": upstream}
        with open(tmp_path / "caddy.log", "ab") as log:
            running.append(subprocess.Popen(["caddy", "run", "--adapter", "caddyfile", "--config", str(config)],
                                            env=env, stdout=log, stderr=log))
        base, root = f"https://127.0.0.1:{port}", home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        wait_until_up(f"{base}/healthz", running[-1], f"caddy (log: {tmp_path / 'caddy.log'})", verify=root)
        return base, root

    yield serve
    for process in running:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def deployed(database_url, gunicorn, caddy, tmp_path):
    """``deployed(**settings)``: the bot under the shipped gunicorn config (2 workers) behind the shipped
    Caddyfile; (https base URL, Caddy's root certificate, gunicorn's log file)."""

    def start(**settings) -> tuple[str, Path, Path]:
        log = tmp_path / "gunicorn.log"
        upstream = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "deploy-s",
                             "SENDER_HASH_KEY": "deploy-h", "WEB_CONCURRENCY": "2",
                             "PUBLIC_BASE_URL": "", **settings},  # set, so a developer's .env cannot set it
                            config=DEPLOY / "gunicorn.conf.py", log=log)
        return *caddy(upstream.removeprefix("http://")), log

    return start


def text(base: str, root: Path, body: str, query: str = "", **headers) -> requests.Response:
    """A text posted to ``base``/sms, signed by Twilio for that https:// URL."""
    params = {"From": "+12095550100", "To": "+12095550000", "Body": body, "MessageSid": "SM" + "7" * 32,
              "AccountSid": "AC" + "0" * 32}
    url = f"{base}/sms{query}"
    return requests.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params), **headers},
                         verify=root, timeout=30)


def reply(response: requests.Response) -> str:
    """The text of the TwiML reply's one <Message>, parsed as XML."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    [message] = root.findall("Message")
    return message.text


@pytest.mark.once
def test_a_signed_text_through_https_gets_the_numbers(deployed):
    base, root, log = deployed(PROXY_FIX="1")
    response = text(base, root, "I need help", query="?probe=query-secret")
    body = reply(response)
    lines = read_table(DATA_DIR).lines_24_7()
    assert lines and all(phones.display(line.phone) in body for line in lines)
    assert "911" in body
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Server" not in response.headers
    # a client's own forwarded headers are replaced by Caddy's: the URL signed is still the https:// one
    spoofed = text(base, root, "help", **{"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example.org"})
    assert "911" in reply(spoofed)
    with pytest.raises(requests.exceptions.SSLError):  # the certificate is Caddy's CA's, not one anyone trusts
        requests.get(f"{base}/healthz", timeout=10)
    served = log.read_text()
    assert '"POST /sms" 200' in served  # the access log names the request, without its query or body
    assert "query-secret" not in served and "probe" not in served
    assert "5550100" not in served and "I need help" not in served


@pytest.mark.once
def test_a_text_signed_for_another_url_is_refused_through_the_proxy(deployed):
    base, root, _ = deployed(PROXY_FIX="1")
    params = {"From": "+12095550100", "Body": "help", "MessageSid": "SM" + "8" * 32}
    for signed_for in (base.replace("https://", "http://"), "https://helpline.example.org"):
        response = requests.post(f"{base}/sms", data=params, verify=root, timeout=30,
                                 headers={"X-Twilio-Signature": sign(f"{signed_for}/sms", params)})
        assert response.status_code == 403, signed_for
