"""load-data and check-data apply the safety check; a changed number loses its verification; a
load never writes over a table changed while it waited at its prompt."""
import time
import xml.etree.ElementTree as ET

import click
import requests
import yaml
from sqlalchemy import create_engine, text

from bot.store import get_store
from conftest import clear_of_a_window_edge, AUTH_TOKEN, sign


def export(runner, folder):
    result = runner.invoke(args=["export-data", str(folder)])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_text() for p in folder.iterdir()}


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_table_without_number_is_refused_and_the_live_table_stays(app, runner, data_copy, tmp_path):
    before = export(runner, tmp_path / "before")
    version = app.extensions["store"].snapshot().version
    edit(data_copy / "messages.yaml", 'resource: "{Name}: {number}', 'resource: "{Name}:')
    edit(data_copy / "messages.yaml", 'brief: "{short}: {number}', 'brief: "{short}:')
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1
    assert "carries no 24/7 number" in result.output and "the table is unchanged" in result.output
    assert export(runner, tmp_path / "after") == before
    assert app.extensions["store"].snapshot().version == version


def test_a_table_without_911_is_refused(app, runner, data_copy, tmp_path):
    before = export(runner, tmp_path / "before")
    edit(data_copy / "messages.yaml", 'danger: "In danger now? Call 911."', 'danger: "Stay safe."')
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1 and "does not say to call 911" in result.output
    assert export(runner, tmp_path / "after") == before
    check = runner.invoke(args=["check-data", str(data_copy)])
    assert check.exit_code == 1 and "does not say to call 911" in check.output


def test_a_changed_number_loses_its_verification(app, runner, data_copy, tmp_path):
    resources = yaml.safe_load((data_copy / "resources.yaml").read_text())
    for r in resources:
        r["last_verified"], r["verified_by"] = "2026-11-27", "staff"
    (data_copy / "resources.yaml").write_text(yaml.safe_dump(resources, sort_keys=False))
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    edit(data_copy / "resources.yaml", "(888) 373-7888", "(888) 373-7889")
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "national-hotline changed: its verification date is cleared" in result.output
    by_key = {r["key"]: r for r in yaml.safe_load(export(runner, tmp_path / "out")["resources.yaml"])}
    assert by_key["national-hotline"]["last_verified"] is None and "verified_by" not in by_key["national-hotline"]
    assert all(str(r["last_verified"]) == "2026-11-27" for k, r in by_key.items() if k != "national-hotline")


def test_load_data_never_overwrites_a_change_made_while_it_asked(app, runner, data_copy, monkeypatch):
    edit(data_copy / "resources.yaml", "(209) 259-5552", "(209) 259-5553")
    store = app.extensions["store"]

    def someone_saves_meanwhile(*args, **kwargs):
        with app.app_context():
            snapshot = store.snapshot()
            store.replace_table(snapshot.table, who="admin@example.org", expected_version=snapshot.version)
        return True

    monkeypatch.setattr(click, "confirm", someone_saves_meanwhile)
    version = store.snapshot().version
    result = runner.invoke(args=["load-data", str(data_copy)])
    assert result.exit_code == 1
    assert "changed meanwhile" in result.output and "nothing loaded" in result.output
    with app.app_context():
        assert get_store().current_table().resources["chest-of-hope-helpline"].phone == "+12092595552"
        assert get_store().snapshot().version == version + 1  # the other change, kept


def test_values_that_cannot_be_stored_are_clear_errors(app, runner, data_copy):
    version = app.extensions["store"].snapshot().version
    edit(data_copy / "resources.yaml", 'phone: "911"', 'phone: "911; DROP"')
    edit(data_copy / "interpreters.yaml", "code: hmn\n", "code: hmn-abcde\n")
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1 and "the table is unchanged" in result.output
    assert "resources.yaml: emergency-911: phone: '911; DROP' is not a phone number" in result.output
    assert "code 'hmn-abcde': a language code such as es or zh-hant, at most 8 characters" in result.output
    (data_copy / "menu.yaml").write_text((data_copy / "menu.yaml").read_text() + "\nx: " + "9" * 100_000 + "\n")
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1 and "a number in menu.yaml has thousands of digits" in result.output
    assert app.extensions["store"].snapshot().version == version


def test_a_value_the_database_refuses_is_a_clear_load_data_error(app, runner, data_copy, monkeypatch):
    from sqlalchemy.exc import DataError

    def refuse(*args, **kwargs):
        raise DataError("INSERT ...", {}, Exception("value too long for type character varying(8)"))

    edit(data_copy / "resources.yaml", "(209) 259-5552", "(209) 259-5553")
    monkeypatch.setattr(app.extensions["store"], "replace_table", refuse)
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1 and "unavailable" not in result.output
    assert "too long or too large for the database, nothing changed: value too long" in result.output


def test_the_longest_code_loads_and_the_reply_limit_holds_on_two_workers(runner, data_copy, database_url, gunicorn):
    """An interpreter line with an 8-character code (the longest the store keeps) on 2 gunicorn
    workers: a sender's 45 texts in its language get the line 30 times, the limit."""
    edit(data_copy / "interpreters.yaml", "code: hmn\n", "code: hmn-abcd\n")
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 0, result.output
    base = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "s",
                     "SENDER_HASH_KEY": "h", "TRAIN_NEW_MODELS": "0", "RATE_LIMIT": "30",
                     "RATE_LIMIT_SECONDS": "600", "WRITE_BATCH_SECONDS": "0", "SENDER_REFRESH_SECONDS": "0.1"})
    clear_of_a_window_edge(45 * 0.4 + 15)
    replies = []
    for i in range(45):
        time.sleep(0.4)  # a few of each worker's sender rounds: the counts the other wrote are read
        params = {"From": "+12095550143", "Body": "kuv xav tau kev pab thov", "MessageSid": f"SM{i:032d}"}
        response = requests.post(f"{base}/sms", data=params, timeout=30,
                                 headers={"X-Twilio-Signature": sign(f"{base}/sms", params)})
        assert response.status_code == 200
        replies += [m.text for m in ET.fromstring(response.text).findall("Message")]
    assert len(replies) == 30 and all("Hmoob" in r for r in replies)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answered_message WHERE language = 'hmn-abcd'")
                                  ).scalar() == 45
    engine.dispose()


def test_switch_words_that_are_not_a_list_are_a_clear_error(runner, data_copy):
    edit(data_copy / "languages.yaml", "  switch: [english", "  switch: 5\n  old_switch: [english")
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code != 0 and "switch and hints are lists" in result.output
