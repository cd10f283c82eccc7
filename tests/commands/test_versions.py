"""``versions`` and ``rollback``: the table's history, and a way back through the same checks."""
import re
import time

import requests
from sqlalchemy import select

from bot import create_app
from bot.store import get_store
from bot.store.models import AuditEntry, TableVersion
from bot.store.tables import load_docs, table_version
from conftest import AUTH_TOKEN, sign


NEW, OLD = "(209) 259-5553", "(209) 259-5552"  # Chest of Hope's number: a changed one, data/'s


def change_number(data_copy, runner):
    """Load data/ with Chest of Hope's number changed: version 2."""
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace(f"phone: {OLD}", f"phone: {NEW}"))
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 0, result.output


def live(app):
    """The live version's number and documents, straight from the database."""
    with app.app_context(), get_store().session() as session:
        return table_version(session), load_docs(session)


def test_versions_lists_newest_first_with_who_what_and_the_change(app, runner, data_copy):
    change_number(data_copy, runner)
    lines = runner.invoke(args=["versions"]).output.splitlines()
    assert [int(line.split()[0]) for line in lines] == [2, 1]
    assert re.match(r"\s*2  \d{4}-\d\d-\d\d \d\d:\d\d  load-data by flask load-data .*: "
                    r"changed resources.yaml: chest-of-hope-helpline  \(live\)$", lines[0])
    assert "start-up" in lines[1] and "(live)" not in lines[1]


def test_rollback_makes_a_new_version_equal_to_the_old_one(app, app_config, runner, data_copy, text):
    other = create_app(app_config)  # another worker on the same database
    _, first = live(app)
    change_number(data_copy, runner)
    assert NEW in text("shelter")
    result = runner.invoke(args=["rollback", "1", "--yes"])
    assert result.exit_code == 0, result.output
    assert "changed  resources.yaml: chest-of-hope-helpline" in result.output
    number, docs = live(app)
    assert number == 3 and docs == first  # nothing of version 2 is lost: it stays in the history
    reply = text("shelter")
    assert OLD in reply and NEW not in reply
    with other.app_context():
        assert get_store().snapshot().table.resources["chest-of-hope-helpline"].phone == "+12092595552"
    with app.app_context(), get_store().session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "rollback")).one()
        assert entry.target == "resources.yaml: chest-of-hope-helpline" and entry.version == 3
        assert NEW in entry.old and OLD in entry.new
    assert "rollback by flask rollback: back to version 1" in runner.invoke(args=["versions"]).output
    other.extensions["store"].close()


def test_rollback_asks_first_and_a_no_changes_nothing(app, runner, data_copy):
    change_number(data_copy, runner)
    before = live(app)
    result = runner.invoke(args=["rollback", "1"], input="n\n")
    assert result.exit_code == 1 and "Make version 1 the live table again?" in result.output
    assert live(app) == before


def test_rollback_to_a_missing_version_or_the_live_one_changes_nothing(app, runner):
    before = live(app)
    result = runner.invoke(args=["rollback", "9"])
    assert result.exit_code == 1 and "there is no version 9" in result.output
    result = runner.invoke(args=["rollback", "1"])
    assert result.exit_code == 0 and "Nothing to change" in result.output
    assert live(app) == before


def test_rollback_to_an_unsafe_version_is_refused(app, runner, data_copy):
    number, docs = live(app)
    for words in docs["messages.yaml"].values():
        words["resource"], words["brief"] = "{name}.", "{name}."  # replies without a number
    with app.app_context(), get_store().session() as session:  # written behind the checks' back
        session.add(TableVersion(number=number + 1, documents=docs, what="test"))
    change_number(data_copy, runner)  # version 3, safe
    before = live(app)
    result = runner.invoke(args=["rollback", str(number + 1), "--yes"])
    assert result.exit_code == 1 and "unsafe" in result.output
    assert live(app) == before


def test_a_rollback_reaches_every_worker_of_a_running_gunicorn_within_seconds(runner, data_copy, database_url,
                                                                            gunicorn):
    counter = iter(range(10**6))
    base = gunicorn({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "SECRET_KEY": "s",
                     "SENDER_HASH_KEY": "h", "TABLE_REFRESH_SECONDS": "1", "TRAIN_NEW_MODELS": "0",
                     "RATE_LIMIT": "100000"})

    def replies(n: int) -> list[str]:
        """The replies to ``n`` texts of "shelter" from new senders (spread over the workers)."""
        found = []
        for _ in range(n):
            i = next(counter)
            params = {"From": f"+1209555{i:04d}", "Body": "shelter", "MessageSid": f"SM{i:032d}"}
            r = requests.post(f"{base}/sms", data=params, timeout=30,
                              headers={"X-Twilio-Signature": sign(f"{base}/sms", params)})
            found.append(r.text)
        return found

    def within(seconds: float, number: str) -> None:
        """Every one of 20 texts in a row gets ``number`` within ``seconds``."""
        deadline = time.monotonic() + seconds
        while not all(number in r for r in replies(20)):
            assert time.monotonic() < deadline, f"not every worker answers with {number} after {seconds} s"

    within(10, OLD)
    change_number(data_copy, runner)
    within(10, NEW)
    assert runner.invoke(args=["rollback", "1", "--yes"]).exit_code == 0
    within(10, OLD)
