"""flask backup and restore: the copy and its keys, a wiped database put back with its opt-outs and staff."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text as sql

from bot import create_app
from bot.commands import backup
from bot.store.engine import make_engine
from bot.store.models import Base
from conftest import STAFF_PASSWORD, csrf_token, parse_twiml, post_signed

SENDER = "+12095550199"


def reply(app, body: str, sender: str = SENDER) -> str | None:
    """The bot's reply to a signed text (None: no message)."""
    params = {"From": sender, "To": "+12095550000", "Body": body, "MessageSid": f"SM{os.urandom(16).hex()}",
              "AccountSid": "AC" + "0" * 32}
    messages = parse_twiml(post_signed(app.test_client(), "/sms", params)).findall("Message")
    return messages[0].text if messages else None


def signs_in(app, email: str) -> bool:
    """True when the console lets ``email`` in with the staff password."""
    client = app.test_client()
    response = client.post("/console/login", data={"email": email, "password": STAFF_PASSWORD,
                                                   "csrf_token": csrf_token(client, "/console/login")})
    return response.status_code == 302 and response.headers["Location"].endswith("/console/")


def wipe(url: str) -> None:
    """Drop every table, the schema's version too: the database is lost."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sql("DROP TABLE alembic_version"))
    engine.dispose()


def test_backup_then_restore_keeps_opt_outs_and_staff(app, app_config, add_staff, tmp_path, made):
    assert reply(app, "help") is not None
    assert reply(app, "STOP") is None
    assert reply(app, "help") is None  # opted out
    add_staff("admin@example.org", "admin")
    folder = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Without SENDER_HASH_KEY every opt-out (STOP) in the copy is forgotten" in result.output
    assert "SENDER_HASH_KEY=test-sender-hash-key" in (folder / "keys.env").read_text()
    assert stat.S_IMODE(os.stat(folder / "keys.env").st_mode) == 0o600
    app.extensions["store"].close()  # the bot is stopped

    wipe(app_config["DATABASE_URL"])
    lost = create_app(app_config)  # starts on the empty database: loads data/, knows no one
    made.append(lost)
    assert reply(lost, "help") is not None
    assert not signs_in(lost, "admin@example.org")
    refused = lost.test_cli_runner().invoke(args=["restore", str(folder)], input="n\n")
    assert refused.exit_code == 1 and "replaces everything in" in refused.output
    restored = lost.test_cli_runner().invoke(args=["restore", str(folder)], input="y\n")
    assert restored.exit_code == 0, restored.output
    lost.extensions["store"].close()

    back = create_app(app_config)
    made.append(back)
    assert reply(back, "help") is None  # the STOP holds
    assert reply(back, "help", "+12095550198") is not None
    assert signs_in(back, "admin@example.org")


def test_restore_with_another_sender_key_says_what_is_lost(app, app_config, tmp_path, made):
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(folder)]).exit_code == 0
    other = create_app({**app_config, "SENDER_HASH_KEY": "another-key"})
    made.append(other)
    result = other.test_cli_runner().invoke(args=["restore", str(folder), "--yes"])
    assert result.exit_code == 1
    assert "SENDER_HASH_KEY differs from the backup's" in result.output
    assert "every opt-out (STOP) is forgotten" in result.output


@pytest.mark.once
def test_backup_refuses_a_folder_that_holds_one(app, tmp_path):
    folder = tmp_path / "backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(folder)]).exit_code == 0
    again = runner.invoke(args=["backup", str(folder)])
    assert again.exit_code == 1 and "already holds a backup" in again.output


@pytest.mark.once
def test_restore_refuses_a_folder_without_a_backup(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path), "--yes"])
    assert result.exit_code == 1 and "holds no backup" in result.output


def test_postgresql_tools_are_found_off_the_path_or_named_with_how_to_get_them(app, tmp_path, monkeypatch):
    if app.extensions["store"].engine.dialect.name != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    monkeypatch.setenv("PATH", "/nonexistent")  # Debian's /usr/lib/postgresql/*/bin is still searched
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "found")]).exit_code == 0
    assert (tmp_path / "found" / "helpline.pgdump").stat().st_size > 0
    monkeypatch.setattr(backup, "PG_TOOLS", str(tmp_path / "none"))
    result = runner.invoke(args=["backup", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "pg_dump was not found" in result.output and "apt-get install postgresql-client" in result.output
