"""GET /metrics: closed without METRICS_TOKEN, a bearer token required with it, counts without personal
data, and every gunicorn worker's counts in one answer (multiprocess mode)."""
from __future__ import annotations

import shutil
import socket

import pytest
import requests
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from bot import create_app
from bot.phones import sender_hash
from bot.store import get_store
from conftest import AUTH_TOKEN, sign

TOKEN = "metrics-token-0123456789"
SENDER = "+12095550123"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) -> value of a Prometheus text answer."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels) -> float:
    """One sample's value (0 when absent)."""
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def metered(app_config):
    """An app whose /metrics opens to TOKEN; closed at the end."""
    app = create_app({**app_config, "METRICS_TOKEN": TOKEN})
    yield app
    app.extensions["store"].close()


def scrape(client) -> dict:
    """The metrics, parsed."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


@pytest.mark.once
def test_closed_without_a_token_setting(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.once
def test_a_bearer_token_is_required(metered):
    client = metered.test_client()
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    assert "helpline_webhook_requests_total" not in missing.get_data(as_text=True)
    assert scrape(client)


def test_counts_texts_and_calls_without_numbers_hashes_or_bodies(metered):
    client = metered.test_client()
    before = scrape(client)
    bodies = ["I need a shelter tonight, call me at 209 555 0177", "STOP", "necesito ayuda"]
    for i, body in enumerate(bodies):
        params = {"From": SENDER, "To": "+12095550000", "Body": body, "MessageSid": f"SM{i:032d}"}
        client.post("/sms", data=params, headers={"X-Twilio-Signature": sign("http://localhost/sms", params)})
    client.post("/sms", data={"From": SENDER, "Body": "unsigned"})
    call = {"From": SENDER, "To": "+12095550000", "CallSid": "CA" + "1" * 32}
    client.post("/voice", data=call, headers={"X-Twilio-Signature": sign("http://localhost/voice", call)})
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    text = response.get_data(as_text=True)
    after = samples(text)

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("helpline_webhook_requests_total", rule="/sms", status="200") == 3
    assert grew("helpline_webhook_requests_total", rule="/sms", status="403") == 1
    assert grew("helpline_webhook_requests_total", rule="/voice", status="200") == 1
    assert grew("helpline_webhook_seconds_count", rule="/sms") == 4
    assert grew("helpline_calls_started_total") == 1
    assert grew("helpline_replies_by_language_total", language="en") >= 1
    assert sum(grew(name, **dict(labels)) for name, labels in after
               if name == "helpline_replies_by_topic_total") == 2  # the two texts answered; STOP is not
    assert value(after, "helpline_table_version") == get_store_version(metered)
    assert value(after, "helpline_database_down") == 0
    key = metered.config["SENDER_HASH_KEY"].encode()
    for secret in ("2095550123", "555-0123", "555 0123", "2095550177", "555 0177", "shelter tonight", "necesito",
                   sender_hash(SENDER, key), AUTH_TOKEN, TOKEN):
        assert secret not in text, secret


def get_store_version(app) -> int:
    """The table version the app answers from."""
    with app.app_context():
        return get_store().snapshot().version


def test_an_open_breaker_shows(metered):
    client = metered.test_client()
    store = metered.extensions["store"]
    store.guard.trip("a test")
    assert value(scrape(client), "helpline_database_down") == 1
    assert value(scrape(client), "helpline_database_skipped_total") >= 0
    store.spool.put("a" * 64, False, (None, True, None))
    assert value(scrape(client), "helpline_spool_senders") == 1


def test_every_worker_is_counted_with_a_multiprocess_folder(database_url, gunicorn, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    base = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "s",
                     "SENDER_HASH_KEY": "h", "TRAIN_NEW_MODELS": "0", "METRICS_TOKEN": TOKEN,
                     "PROMETHEUS_MULTIPROC_DIR": str(folder)})
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:  # one worker waits for the rest of this text
        slow.sendall(b"POST /sms HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: wrong\r\nContent-Length: 20\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\nBody=")
        for i in range(12):  # so the other one answers these
            params = {"From": f"+1209555{i:04d}", "Body": "shelter", "MessageSid": f"SM{i:032d}"}
            assert requests.post(f"{base}/sms", data=params, timeout=30,
                                 headers={"X-Twilio-Signature": sign(f"{base}/sms", params)}).status_code == 200
        slow.sendall(b"x" * 15)
        assert b" 403 " in slow.recv(1000).split(b"\r\n")[0]
    each = sorted(counted(path, tmp_path / path.stem) for path in folder.glob("counter_*.db"))
    assert each == [(0, 1), (12, 0)]  # one worker counted the refused text, the other the twelve answered
    for _ in range(4):  # whichever worker answers the scrape, it adds up both
        found = samples(requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                                     timeout=30).text)
        assert value(found, "helpline_webhook_requests_total", rule="/sms", status="200") == 12
        assert value(found, "helpline_webhook_requests_total", rule="/sms", status="403") == 1


def counted(path, alone) -> tuple[float, float]:
    """The texts one worker's counter file holds (read on its own): answered, refused."""
    alone.mkdir()
    shutil.copy(path, alone)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(alone))
    found = samples(generate_latest(registry).decode())
    return tuple(value(found, "helpline_webhook_requests_total", rule="/sms", status=status)
                 for status in ("200", "403"))
