"""The console's history: every version listed; an admin previews a version and makes it live again."""
import re

from sqlalchemy import select

from bot.store import get_store
from bot.store.models import AuditEntry
from conftest import csrf_token
from test_console_resources import edit_resource, live, save


def restore(client, number: int, page: str):
    """Press "Make version N live again" on the version's page."""
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    return client.post(f"/console/history/{number}/restore",
                       data={"version": version, "csrf_token": csrf_token(client, f"/console/history/{number}")})


def test_an_admin_previews_a_version_and_makes_it_live_again(app, login, text):
    client = login("admin")
    assert save(client, edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")).status_code == 302
    listing = client.get("/console/history/").get_data(as_text=True)
    assert re.search(r">2</a> \(live\)", listing) and "admin@example.org" in listing
    assert "changed resources.yaml: chest-of-hope-helpline" in listing and ">1</a>" in listing
    page = client.get("/console/history/1").get_data(as_text=True)
    assert "resources.yaml: chest-of-hope-helpline" in page and "SMS en HOUSING" in page  # what it would change
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595553"  # nothing restored by looking
    assert restore(client, 1, page).status_code == 302
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595552"
    assert "(209) 259-5552" in text("shelter")
    with app.app_context(), get_store().session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "rollback")).one()
    assert entry.version == 3 and entry.who == "admin@example.org"
    assert re.search(r">3</a> \(live\)", client.get("/console/history/").get_data(as_text=True))


def test_a_restore_over_a_table_that_moved_on_is_refused(app, login):
    client = login("admin")
    page = client.get("/console/history/1").get_data(as_text=True)
    assert "already equals version 1" in page and 'id="restore"' not in page
    assert save(client, edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")).status_code == 302
    page = client.get("/console/history/1").get_data(as_text=True)
    assert save(client, edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5554")).status_code == 302
    response = restore(client, 1, page)  # previewed over version 2; version 3 is live now
    assert response.status_code == 302
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595554"
    assert "changed the table meanwhile" in client.get("/console/history/").get_data(as_text=True)


def test_staff_read_the_history_but_do_not_restore(app, login):
    client = login("staff")
    assert client.get("/console/history/").status_code == 200
    assert 'id="restore"' not in client.get("/console/history/1").get_data(as_text=True)
    assert client.post("/console/history/1/restore", data={"csrf_token": csrf_token(client, "/console/")}).status_code == 403
    assert client.get("/console/history/9").status_code == 404
