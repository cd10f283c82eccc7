"""Issue 13 in the store: discreet.yaml and interpreters.yaml kept whole with the table, and added
from data/ to a table loaded before they existed."""
from sqlalchemy import delete, select

from bot import create_app
from bot.store import get_store
from bot.store.models import TableDocument, TableState
from bot.store.tables import load_docs
from bot.table.files import read_docs
from conftest import DATA_DIR


def test_the_documents_round_trip(app):
    with app.app_context(), get_store().session() as session:
        docs = load_docs(session)
    assert docs["discreet.yaml"]["keyword"] == read_docs(DATA_DIR)["discreet.yaml"]["keyword"]
    assert [line["code"] for line in docs["interpreters.yaml"]["lines"]] == ["vi", "tl", "pa", "hmn", "km", "zh", "zh-hant", "ar", "pt"]


def test_a_table_without_them_gets_data_s_copies(app, app_config):
    with app.app_context(), get_store().session() as session:
        session.execute(delete(TableDocument))
        before = session.get(TableState, 1).version
    app.extensions["store"].close()
    again = create_app(app_config)
    with again.app_context(), get_store().session() as session:
        assert sorted(session.scalars(select(TableDocument.name))) == ["discreet.yaml", "interpreters.yaml"]
        assert session.get(TableState, 1).version == before + 1
        table = get_store().snapshot().table
    assert table.discreet is not None and table.interpreting.lines
    again.extensions["store"].close()
