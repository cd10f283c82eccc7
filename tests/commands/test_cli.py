"""flask load-data and export-data: all or nothing, named problems, idempotent, nothing lost."""

import re

import yaml


from bot import create_app
from bot.store import get_store
from bot.store.tables import load_docs, table_version
from conftest import DATA_DIR


def current(app):
    """The table's version and documents, straight from the database."""
    with app.app_context(), get_store().session() as session:
        return table_version(session), load_docs(session)


def test_load_default_data(app, runner):
    result = runner.invoke(args=["load-data"])
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.output  # the app loaded data/ into the empty database


def test_load_is_idempotent(app, runner):
    runner.invoke(args=["load-data"])
    before = current(app)
    result = runner.invoke(args=["load-data", str(DATA_DIR)])
    assert result.exit_code == 0
    assert "Nothing to change" in result.output
    assert current(app) == before


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
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    assert "(209) 259-5553" in text("shelter")
    with other.app_context():
        snapshot = get_store().snapshot()  # TABLE_REFRESH_SECONDS=0: checks the version now
    assert snapshot.table.resources["chest-of-hope-helpline"].phone == "+12092595553"


def edited_copy(data_copy):
    """data_copy with Chest of Hope's number changed."""
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-5553"))
    return data_copy


def test_load_lists_changes_and_asks(app, runner, data_copy):
    before = current(app)
    result = runner.invoke(args=["load-data", str(edited_copy(data_copy))], input="n\n")
    assert "changed  resources.yaml: chest-of-hope-helpline" in result.output
    assert "Replace the live table" in result.output
    assert result.exit_code == 1  # declined
    assert current(app) == before
    result = runner.invoke(args=["load-data", str(data_copy)], input="y\n")
    assert result.exit_code == 0 and "Loaded" in result.output
    assert current(app) != before


def test_dry_run_only_lists(app, runner, data_copy):
    before = current(app)
    result = runner.invoke(args=["load-data", str(edited_copy(data_copy)), "--dry-run"])
    assert result.exit_code == 0
    assert "resources.yaml: chest-of-hope-helpline" in result.output and "Dry run" in result.output
    assert current(app) == before


def test_load_is_audited(app, runner, data_copy):
    from sqlalchemy import select

    from bot.store.models import AuditEntry

    runner.invoke(args=["load-data", str(edited_copy(data_copy)), "--yes"])
    with app.app_context(), get_store().session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.target == "resources.yaml: chest-of-hope-helpline" and entry.action == "load-data"
    assert "(209) 259-5552" in entry.old and "(209) 259-5553" in entry.new


def test_export_round_trip(app, runner, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(args=["export-data", str(first)]).exit_code == 0
    result = runner.invoke(args=["load-data", str(first)])
    assert "Nothing to change" in result.output
    runner.invoke(args=["export-data", str(second)])
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_export_of_an_edit_loads_back(app, runner, data_copy, tmp_path):
    runner.invoke(args=["load-data", str(edited_copy(data_copy)), "--yes"])
    runner.invoke(args=["export-data", str(tmp_path / "out")])
    assert "phone: (209) 259-5553" in (tmp_path / "out" / "resources.yaml").read_text()


def test_export_default_folder(app, runner):
    result = runner.invoke(args=["export-data"])
    assert result.exit_code == 0
    assert "Exported the live table to" in result.output and result.output.strip().endswith("export")


def header(path) -> list[str]:
    """The comment lines at the top of a YAML file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines[:next(i for i, l in enumerate(lines) if l and not l.startswith("#"))]
            if line.startswith("#")]


def test_export_writes_every_file_load_data_reads_with_its_comments(app, runner, tmp_path):
    from bot.table.load import ALL_FILES
    out = tmp_path / "out"
    assert runner.invoke(args=["export-data", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    for name in ALL_FILES:
        assert header(out / name) == header(DATA_DIR / name), name
        assert len(header(out / name)) >= 2, name
    checked = runner.invoke(args=["check-data", str(out)])
    assert checked.exit_code == 0, checked.output
    total = len(re.findall(r"^\s+- ", (DATA_DIR / "reply_tests.yaml").read_text(), re.M))
    assert f"{total}/{total} reply tests passed" in checked.output and total > 10


def test_reply_tests_load_into_the_table_and_a_folder_without_them_keeps_them(app, runner, data_copy, tmp_path):
    path = data_copy / "reply_tests.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["voice"].append({"steps": ["2"], "dials": "(209) 259-5552"})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "reply_tests.yaml: voice 2" in result.output
    path.unlink()
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert "has no reply_tests.yaml: the live table's reply tests are kept" in result.output
    assert "Nothing to change" in result.output
    runner.invoke(args=["export-data", str(tmp_path / "out")])
    assert "dials: (209) 259-5552" in (tmp_path / "out" / "reply_tests.yaml").read_text()


def test_examples_export_as_data_writes_them(app, runner, tmp_path):
    assert runner.invoke(args=["export-data", str(tmp_path)]).exit_code == 0
    exported = (tmp_path / "examples.yaml").read_bytes()
    assert exported == (DATA_DIR / "examples.yaml").read_bytes()  # one example a line, as data/ has them
    lines = exported.decode().splitlines()
    assert lines[0].startswith("# ") and all(line.startswith("- {text: ") for line in lines if not line.startswith("#"))
