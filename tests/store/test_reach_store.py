"""discreet.yaml and interpreters.yaml in the store: kept whole with the table, and added from data/
to a table loaded before they existed."""

from bot import create_app
from bot.store import get_store
from bot.store.models import TableVersion
from bot.store.tables import load_docs, table_version
from bot.table.files import read_docs
from conftest import DATA_DIR


def test_the_documents_round_trip(app):
    with app.app_context(), get_store().session() as session:
        docs = load_docs(session)
    assert docs["discreet.yaml"]["keyword"] == read_docs(DATA_DIR)["discreet.yaml"]["keyword"]
    assert [line["code"] for line in docs["interpreters.yaml"]["lines"]] == ["vi", "tl", "pa", "hmn", "km", "zh", "zh-hant", "ar", "pt"]


def test_a_table_without_them_gets_data_s_copies(app, app_config):
    with app.app_context(), get_store().session() as session:
        before = table_version(session)
        old = {name: doc for name, doc in load_docs(session).items() if name not in ("discreet.yaml", "interpreters.yaml")}
        session.add(TableVersion(number=before + 1, documents=old, what="upgrade"))  # as an old table moves in
    app.extensions["store"].close()
    again = create_app(app_config)
    with again.app_context(), get_store().session() as session:
        assert table_version(session) == before + 2
        docs = load_docs(session)
        assert docs["discreet.yaml"] == load_docs(session, before)["discreet.yaml"]
        assert docs["interpreters.yaml"]["lines"] == load_docs(session, before)["interpreters.yaml"]["lines"]
        table = get_store().snapshot().table
    assert table.discreet is not None and table.interpreting.lines
    again.extensions["store"].close()
