"""The console: an interpreter line marked reviewed through the file editor (checked,
previewed, saved, audited), and a discreet wording with a forbidden word refused."""
import html
import re

from sqlalchemy import select

from bot.store import get_store
from bot.store.models import AuditEntry
from conftest import csrf_token, file_doc, post_file


def test_mark_an_interpreter_line_reviewed(app, login):
    client = login("admin")
    assert "9 of 9 lines not reviewed yet" in client.get("/console/cards").get_data(as_text=True)
    doc = file_doc(client, "interpreters.yaml")
    next(line for line in doc["lines"] if line["code"] == "vi")["reviewed"] = True
    preview = post_file(client, "interpreters.yaml", doc).get_data(as_text=True)
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="(payload|version|what)" value="([^"]*)"', preview)}
    fields["csrf_token"] = csrf_token(client, "/console/resources/")
    assert client.post("/console/resources/save", data=fields).status_code == 302
    assert "8 of 9 lines not reviewed yet" in client.get("/console/cards").get_data(as_text=True)
    with app.app_context(), get_store().session() as session:
        assert [e.target for e in session.scalars(select(AuditEntry))] == ["interpreters.yaml: line vi"]


def test_a_forbidden_word_in_discreet_wording_is_refused(app, login, text):
    client = login("admin")
    doc = file_doc(client, "discreet.yaml")
    doc["names"]["national-hotline"]["en"] = "National Human Trafficking Hotline"
    page = post_file(client, "discreet.yaml", doc).get_data(as_text=True)
    assert "forbidden word" in html.unescape(page) and "trafficking" in page
    text("QUIET")
    assert "trafficking" not in text("help").lower()  # nothing was saved
