"""flask load-data: all or nothing, named problems, idempotent."""
import shutil

import pytest

from bot import create_app
from bot.store import get_store
from bot.store.tables import load_docs, table_version
from conftest import DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ to edit."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def current(app):
    """The table's version and documents, straight from the database."""
    with app.app_context(), get_store().session() as session:
        return table_version(session), load_docs(session)


def test_load_default_data(app, runner):
    result = runner.invoke(args=["load-data"])
    assert result.exit_code == 0, result.output
    assert "4 resources, 4 topics" in result.output


def test_load_is_idempotent(app, runner):
    runner.invoke(args=["load-data"])
    version, docs = current(app)
    runner.invoke(args=["load-data", str(DATA_DIR)])
    new_version, new_docs = current(app)
    assert new_docs == docs
    assert new_version == version + 1


def test_bad_file_leaves_the_table_as_it_was(app, runner, data_copy, text):
    before = current(app)
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 948-1911", "phone: (209) 948-19"))
    result = runner.invoke(args=["load-data", str(data_copy)])
    assert result.exit_code == 1
    assert "resources.yaml: womens-center-hotline: phone:" in result.output
    assert "the table is unchanged" in result.output
    assert current(app) == before
    assert "(209) 948-1911" in text("help")


def test_unknown_topic_is_named(app, runner, data_copy):
    path = data_copy / "topics.yaml"
    path.write_text(path.read_text().replace("start: HOTLINE", "start: HOTLNE"))
    result = runner.invoke(args=["load-data", str(data_copy)])
    assert result.exit_code == 1
    assert "topics.yaml: start: unknown topic 'HOTLNE'" in result.output


def test_missing_folder(runner, tmp_path):
    result = runner.invoke(args=["load-data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such folder" in result.output


def test_new_number_reaches_replies_and_other_processes(app, app_config, runner, data_copy, text):
    other = create_app(app_config)  # another worker on the same database
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-5553"))
    assert runner.invoke(args=["load-data", str(data_copy)]).exit_code == 0
    assert "(209) 259-5553" in text("shelter")
    with other.app_context():
        snapshot = get_store().snapshot()  # TABLE_REFRESH_SECONDS=0: checks the version now
    assert snapshot.table.resources["chest-of-hope-helpline"].phone == "+12092595553"
