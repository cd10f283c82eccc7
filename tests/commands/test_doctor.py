"""flask doctor: a fresh clone is not ready (and says why), a configured instance is ready."""
from __future__ import annotations

import socket
from datetime import datetime

import pytest

from bot import create_app
from bot.store import get_store, staff
from bot.table.model import TIMEZONE
from conftest import STAFF_PASSWORD, drop_database, empty_database
from test_twilio_setup import BASE, NUMBER, SID, TOKEN, FakeTwilio  # noqa: F401 - the fake Twilio account

FALLBACKS = ["--sms-fallback-url", "https://static.example.org/sms.xml",
             "--voice-fallback-url", "https://static.example.org/voice.xml"]


def lines(output: str) -> dict[str, str]:
    """The doctor's lines by the name they check: name -> "mark  detail"."""
    found = {}
    for line in output.splitlines():
        mark, _, rest = line.partition("  ")
        name, _, detail = rest.strip().partition(": ")
        if mark.strip() in ("ok", "FIX", "note"):
            found[name] = f"{mark.strip()} {detail}"
    return found


def test_a_fresh_clone_is_not_ready_and_says_why(app_config, tmp_path, made):
    app = create_app({**app_config, "TWILIO_AUTH_TOKEN": "", "SECRET_KEY": "", "SENDER_HASH_KEY": "",
                      "FALLBACK_DIR": str(tmp_path / "fallback")})
    made.append(app)
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1, result.output
    found = lines(result.output)
    assert found["TWILIO_AUTH_TOKEN"].startswith("FIX not set: every real text and call is refused")
    assert found["SENDER_HASH_KEY"].startswith("FIX generated into instance/sender_hash_key")
    assert "every opt-out (STOP) is forgotten" in found["SENDER_HASH_KEY"]
    assert found["SECRET_KEY"].startswith("FIX generated")
    assert found["HELPLINE_NUMBER"].startswith("FIX HELPLINE_NUMBER is not set")
    assert found["PUBLIC_BASE_URL"].startswith("FIX not set")
    assert found["Numbers verified"].startswith("FIX 3 not within 90 days")
    assert found["Reply tests"].startswith("ok all")
    assert found["Fallback files"].startswith("FIX sms.xml and voice.xml not in")
    assert found["Admin account"].startswith("FIX none")
    assert found["Twilio number"].startswith("note not checked: set TWILIO_ACCOUNT_SID")
    assert "Not ready to go live: 8 thing(s) to fix" in result.output


@pytest.fixture
def configured(seeded_database, data_copy, tmp_path, local_api, made):
    """An instance set up as the operations guide says: settings, verified numbers, an admin, fallback
    files written, the number set up at a (fake) Twilio; its app."""
    today = datetime.now(TIMEZONE).date().isoformat()
    resources = data_copy / "resources.yaml"
    resources.write_text(resources.read_text(encoding="utf-8").replace("last_verified:\n",
                                                                       f"last_verified: {today}\n"), encoding="utf-8")
    twilio = FakeTwilio()
    url = local_api(lambda r: twilio.answer(r["method"], r["path"], r["query"], r["form"], r["auth"]))
    database = empty_database(tmp_path)
    app = create_app({"TESTING": True, "DATABASE_URL": database, "DATA_DIR": str(data_copy),
                      "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": SID, "TWILIO_API_BASE_URL": url,
                      "SECRET_KEY": "a-secret", "SENDER_HASH_KEY": "a-sender-key", "HELPLINE_NUMBER": NUMBER,
                      "PUBLIC_BASE_URL": BASE, "FALLBACK_DIR": str(tmp_path / "fallback"), "TABLE_REFRESH_SECONDS": 0,
                      "TRAIN_NEW_MODELS": False})
    made.append(app)
    with app.app_context(), get_store().session() as session:
        staff.add(session, "admin@example.org", STAFF_PASSWORD, "admin")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["fallback-twiml", str(tmp_path / "fallback")]).exit_code == 0
    assert runner.invoke(args=["twilio-setup", "--yes", *FALLBACKS]).exit_code == 0
    yield app
    app.extensions["store"].close()
    drop_database(database)


def test_a_configured_instance_is_ready(configured):
    result = configured.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert all(state.startswith("ok ") for state in found.values()), result.output
    assert found["Twilio number"] == "ok webhooks and fallback URLs set as they should be"
    assert found["HELPLINE_NUMBER"] == "ok (209) 555-0123"
    assert result.output.strip().endswith("Ready to go live.")


def test_fallback_files_with_other_numbers_than_the_live_table_are_not_ready(configured):
    sms = configured.config["FALLBACK_DIR"] + "/sms.xml"
    with open(sms, encoding="utf-8") as f:
        old = f.read().replace("(888) 373-7888", "(888) 373-7000")  # a file written before the number changed
    with open(sms, "w", encoding="utf-8") as f:
        f.write(old)
    result = configured.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert lines(result.output)["Fallback files"].startswith("FIX sms.xml in ")
    assert lines(result.output)["Reply tests"].startswith("ok")


def test_twilio_out_of_reach_is_said_in_one_line(configured):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    configured.config["TWILIO_API_BASE_URL"] = closed
    result = configured.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert lines(result.output)["Twilio number"].startswith("FIX not checked: Twilio could not be reached")
    assert "Traceback" not in result.output
