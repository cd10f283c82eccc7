"""Console saves go through the safety check, clear the verification of a changed number, never
write over a newer table (nor over one from a worker that started from data/), and answer bad form
values with 400."""
import html
import json
from datetime import date

import yaml

from bot import create_app
from bot.store import get_store, snapshots, staff
from bot.table.files import docs_from_table, read_table
from conftest import csrf_token, file_doc, post_file
from test_console_resources import audit, edit_resource, live, save


def test_wording_without_number_is_refused(app, login):
    client = login("admin")
    doc = file_doc(client, "messages.yaml")
    for words in doc.values():
        words["resource"], words["brief"] = "{name}{hours}. {description}", "{name}{hours}."
    page = html.unescape(post_file(client, "messages.yaml", doc).get_data(as_text=True))
    assert "The change was refused" in page and "carries no 24/7 number" in page and 'id="save"' not in page
    assert audit(app) == []


def test_a_forged_save_of_an_unsafe_table_is_refused(app, login):
    client = login("admin")
    doc = file_doc(client, "menu.yaml")
    doc["prompts"]["danger"]["en"] = "Stay on the line."
    preview = post_file(client, "menu.yaml", doc).get_data(as_text=True)
    assert "does not say to call 911" in html.unescape(preview)
    with app.app_context():
        docs = docs_from_table(get_store().snapshot().table)
        docs["menu.yaml"] = doc
        version = get_store().snapshot().version
    response = client.post("/console/resources/save", data={"payload": json.dumps(docs, default=str),
                                                            "version": str(version), "what": "menu.yaml",
                                                            "csrf_token": csrf_token(client, "/console/")})
    assert "does not say to call 911" in html.unescape(response.get_data(as_text=True))
    assert live(app).prompts["danger"]["en"].endswith("911.")


def test_a_changed_number_loses_its_verification_in_the_console(app, login, runner, tmp_path):
    client = login("admin")
    for key in live(app).resources:
        client.post(f"/console/resources/{key}/verified", data={"csrf_token": csrf_token(client, "/console/resources/")})
    assert all(r.last_verified for r in live(app).resources.values())
    preview = edit_resource(client, "national-hotline", phone="(888) 373-7889")
    assert "its verification date is cleared" in preview
    assert save(client, preview).status_code == 302
    assert runner.invoke(args=["export-data", str(tmp_path / "out")]).exit_code == 0
    exported = {r["key"]: r for r in yaml.safe_load((tmp_path / "out" / "resources.yaml").read_text())}
    assert exported["national-hotline"]["phone"] == "(888) 373-7889"
    assert exported["national-hotline"]["last_verified"] is None
    assert all(isinstance(r["last_verified"], date) for k, r in exported.items() if k != "national-hotline")


def test_a_worker_from_data_never_writes_over_the_database(app, app_config, login, tmp_path):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    assert save(client, preview).status_code == 302
    other = create_app(app_config)  # a worker that could not read the database and answers from data/
    store = other.extensions["store"]
    table = read_table(other.config["DATA_DIR"])
    store._snapshot = snapshots.build(table, None, None, store.models_dir, wait=True)  # version None: data/
    store.refresh_seconds = 3600
    other_client = other.test_client()
    with other.app_context():
        with get_store().session() as session:
            staff.add(session, "second@example.org", "correct horse battery staple", "staff")
    other_client.post("/console/login", data={"email": "second@example.org", "password": "correct horse battery staple",
                                              "csrf_token": csrf_token(other_client, "/console/login")})
    response = other_client.post("/console/resources/national-hotline/verified",
                                 data={"csrf_token": csrf_token(other_client, "/console/resources/")})
    assert response.status_code == 302  # refused with a message, not a 500
    assert "nothing was saved" in other_client.get("/console/resources/").get_data(as_text=True)
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595553"  # the admin's edit stays
    other.extensions["store"].close()


def test_a_bad_version_or_payload_answers_400(login):
    client = login("admin")
    token = csrf_token(client, "/console/")
    assert client.post("/console/resources/save", data={"payload": "{}", "version": "abc", "what": "x",
                                                        "csrf_token": token}).status_code == 400
    assert client.post("/console/resources/save", data={"payload": "not json", "version": "1", "what": "x",
                                                        "csrf_token": token}).status_code == 400
    assert client.post("/console/resources/save", data={"version": "1", "csrf_token": token}).status_code == 400


def test_the_loser_of_a_race_is_told_what_changed(app, login):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    client.post("/console/resources/national-hotline/verified",
                data={"csrf_token": csrf_token(client, "/console/resources/")})  # someone else, meanwhile
    assert save(client, preview).status_code == 302
    page = html.unescape(client.get("/console/resources/").get_data(as_text=True))
    assert "nothing was saved" in page and "Changed meanwhile: " in page
    assert "resources.yaml: national-hotline" in page
    assert live(app).resources["national-hotline"].last_verified is not None  # the other change stays
