"""load-data and check-data apply the safety check; a changed number loses its verification; a
load never writes over a table changed while it waited at its prompt."""
import click
import yaml

from bot.store import get_store


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
