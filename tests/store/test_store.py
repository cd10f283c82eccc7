"""The database side: migrations at start-up, one process at a time; the table held in memory."""
import subprocess
import sys
import textwrap
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, inspect, text

from bot import create_app
from bot.store import get_store
from bot.store.tables import table_version
from bot.table.model import Example
from conftest import parse_twiml, post_signed, wait_until

START = textwrap.dedent("""
    import sys
    from bot import create_app
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "s", "SENDER_HASH_KEY": "h",
                      "TWILIO_AUTH_TOKEN": "t"})
    assert app.extensions["store"].snapshot().version is not None
""")


def test_schema_is_migrated_to_the_newest_revision(app):
    with app.app_context():
        engine = get_store().engine
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision is not None
        tables = set(inspect(engine).get_table_names())
        assert {"table_version", "audit_entry", "sender", "staff", "usage_count"} <= tables
        assert not {"resource", "topic", "keyword", "example", "table_state"} & tables  # the table is versions


def test_processes_starting_at_once_do_not_race(empty_database_url):
    url = empty_database_url
    starts = [subprocess.Popen([sys.executable, "-c", START, url], stderr=subprocess.PIPE, text=True)
              for _ in range(4)]
    for process in starts:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM table_version")).scalar() == 1  # loaded once
    engine.dispose()


def test_table_is_read_from_memory_not_per_message(app, text):
    with app.app_context():
        store = get_store()
        before = store.snapshot()
        text("help")
        text("ayuda")
        assert store.snapshot() is before  # no new table built for a message


def test_app_starts_when_the_database_is_not_up(app_config, tmp_path):
    app = create_app({**app_config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    with app.app_context():
        snapshot = get_store().snapshot()
    assert snapshot.version is None  # from data/
    assert snapshot.table.resources["national-hotline"].phone == "+18883737888"


def test_refresh_picks_up_a_new_version(app, app_config):
    other = create_app(app_config)
    with other.app_context():
        store = get_store()
        first = store.snapshot().version
        with store.session() as session:
            assert table_version(session) == first
    with app.app_context():
        get_store().replace_table(get_store().snapshot().table, expected_version=first)
    with other.app_context():
        assert get_store().snapshot().version == first + 1


def test_migrations_match_the_models(app):
    from alembic import command
    from alembic.config import Config

    from bot.store.schema import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with app.app_context(), get_store().engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when a model changed without a migration


def test_close_ends_the_threads_and_writes_what_was_pending(app_config):
    app = create_app({**app_config, "TABLE_REFRESH_SECONDS": 0.2, "WRITE_BATCH_SECONDS": 60})
    store = app.extensions["store"]
    params = {"From": "+12095550177", "To": "+12095550000", "Body": "help", "MessageSid": "SM" + "7" * 32}
    assert parse_twiml(post_signed(app.test_client(), "/sms", params)).find("Message") is not None
    assert store.builder.thread.is_alive() and store.pending.timer.is_alive()
    store.close()
    assert not store.builder.thread.is_alive() and not store.pending.timer.is_alive()
    engine = create_engine(app_config["DATABASE_URL"])
    with engine.connect() as connection:  # batched for a minute, written when the app closed
        assert connection.execute(text("SELECT count(*) FROM answered_message")).scalar() == 1
    engine.dispose()


@pytest.mark.once  # training is the same on any database
def test_a_changed_table_is_trained_in_the_background_not_in_the_request(app_config):
    app = create_app({**app_config, "TRAIN_NEW_MODELS": True})
    store = app.extensions["store"]
    before = store.snapshot()
    words = f"the man at the car wash keeps my wages in a jar {uuid.uuid4().hex[:8]}"  # a model never trained
    taught = Example(words, "en", ("REPORT", "HOTLINE"))
    store.replace_table(replace(before.table, examples=before.table.examples + (taught,)))
    waiting = store.snapshot()
    assert waiting.wanted_key != before.model_key and waiting.model_key == before.model_key  # not trained here
    assert set(waiting.understander.match(taught.text).topics) == {"REPORT", "HOTLINE"}  # the example, at once
    wait_until(lambda: store.snapshot().model_key == waiting.wanted_key,
               "the background thread never trained the new model", seconds=300)
    assert store.snapshot().understander.model is not before.understander.model
    store.close()


def test_long_labels_are_cut_to_their_columns_not_refused(app):
    """A long load-data path (who) or entry name (target) never fails a save (PostgreSQL keeps varchar lengths)."""
    from sqlalchemy import select

    from bot.store.models import AuditEntry, TableVersion
    from bot.table.changes import EntryChange
    store = app.extensions["store"]
    change = EntryChange("reply_tests.yaml: sms " + "a long test text " * 20, None, "text: x\n")
    version = store.replace_table(store.snapshot().table, who="flask load-data /" + "folder/" * 60,
                                  changes=[change], action="load-data")
    with store.session() as session:
        saved = session.get(TableVersion, version)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.version == version)).one()
        assert saved.who.startswith("flask load-data /folder/") and len(saved.who) == 254
        assert entry.target == change.target[:120] and len(entry.who) == 254
