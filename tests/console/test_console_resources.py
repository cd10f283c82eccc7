"""Resources in the console: verification by staff; editing, preview, save and audit by admins."""
import html
import re

import pytest
import yaml
from sqlalchemy import select

from bot.store import get_store
from bot.store.models import AuditEntry
from conftest import csrf_token, file_doc, post_file


def live(app):
    """The table the app answers with now."""
    with app.app_context():
        return get_store().snapshot().table


def audit(app):
    with app.app_context(), get_store().session() as session:
        return session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def edit_resource(client, key, status=200, **changes):
    """Fill the resource form as it is, with ``changes``; returns the preview page (422: the refusal)."""
    page = client.get(f"/console/resources/{key}/edit").get_data(as_text=True)
    form = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'<input name="([^"]+)" value="([^"]*)"', page)}
    form.update({m.group(1): html.unescape(m.group(2)) for m in
                 re.finditer(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', page)})
    form["organization"] = re.search(r'<option value="([^"]+)" selected', page).group(1)
    form.update(changes, csrf_token=csrf_token(client, f"/console/resources/{key}/edit"))
    response = client.post(f"/console/resources/{key}/edit", data=form)
    assert response.status_code == status
    return response.get_data(as_text=True)


def save(client, preview):
    """Press "Save the change" on a preview page."""
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="(payload|version|what)" value="([^"]*)"', preview)}
    fields["csrf_token"] = csrf_token(client, "/console/resources/")
    return client.post("/console/resources/save", data=fields)


def test_resources_list_stale_first(app, login):
    page = login().get("/console/resources/").get_data(as_text=True)
    assert page.count("never") >= 3
    assert "(209) 948-1911" in page or "+12099481911" in page


def test_staff_verify_a_number(app, login):
    client = login("staff")
    response = client.post("/console/resources/national-hotline/verified",
                           data={"csrf_token": csrf_token(client, "/console/resources/")})
    assert response.status_code == 302
    resource = live(app).resources["national-hotline"]
    assert resource.last_verified is not None and resource.verified_by == "staff@example.org"
    [entry] = audit(app)
    assert entry.action == "verify" and entry.who == "staff@example.org"
    assert "last_verified: null" in entry.old and "verified_by: staff@example.org" in entry.new


def test_verify_needs_csrf(login):
    assert login("staff").post("/console/resources/national-hotline/verified").status_code == 400


@pytest.mark.parametrize("path", ["/console/resources/national-hotline/edit", "/console/files/topics.yaml"])
def test_staff_cannot_edit(login, path):
    client = login("staff")
    assert client.get(path).status_code == 403
    assert client.post("/console/resources/save", data={"csrf_token": csrf_token(client, "/console/")}).status_code == 403


def test_admin_edits_a_number_with_preview_and_audit(app, login, text):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    assert "resources.yaml: chest-of-hope-helpline" in preview
    assert "SMS en HOUSING" in preview and "VOICE en key 2" in preview  # the replies it changes
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595552"  # not saved yet
    assert save(client, preview).status_code == 302
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595553"
    assert "(209) 259-5553" in text("shelter")
    [entry] = audit(app)
    assert entry.who == "admin@example.org" and "(209) 259-5552" in entry.old and "(209) 259-5553" in entry.new
    assert "259-5553" in client.get("/console/audit").get_data(as_text=True)


def test_a_bad_number_is_refused_with_the_reason(app, login):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", 422, phone="(209) 259-555")
    assert "The change was refused" in preview
    assert "resources.yaml: chest-of-hope-helpline: phone:" in html.unescape(preview)
    assert 'id="save"' not in preview
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595552"


def test_a_keyword_in_two_topics_is_refused(app, login):
    client = login("admin")
    text = client.get("/console/files/topics.yaml").get_data(as_text=True)
    doc = yaml.safe_load(html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", text, re.S).group(1)))
    next(t for t in doc["topics"] if t["key"] == "INFO")["keywords"]["en"].append("shelter")
    response = client.post("/console/files/topics.yaml", data={"text": yaml.safe_dump(doc, allow_unicode=True),
                                                               "csrf_token": csrf_token(client, "/console/files/topics.yaml")})
    page = html.unescape(response.get_data(as_text=True))
    assert "keyword 'shelter' is also a keyword of HOUSING" in page
    assert audit(app) == []


def test_admin_adds_a_keyword_in_the_file_editor(app, login, text):
    client = login("admin")
    page = client.get("/console/files/topics.yaml").get_data(as_text=True)
    doc = yaml.safe_load(html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)))
    next(t for t in doc["topics"] if t["key"] == "HOUSING")["keywords"]["en"].append("yurt")
    assert text("yurt").startswith("Text HOTLINE")  # unmatched before
    preview = client.post("/console/files/topics.yaml", data={"text": yaml.safe_dump(doc, allow_unicode=True),
                                                              "csrf_token": csrf_token(client, "/console/files/topics.yaml")})
    assert save(client, preview.get_data(as_text=True)).status_code == 302
    assert "(209) 259-5552" in text("yurt")
    assert [e.target for e in audit(app)] == ["topics.yaml: HOUSING"]


def test_broken_yaml_is_refused(login):
    client = login("admin")
    response = client.post("/console/files/menu.yaml", data={"text": "options: [unclosed",
                                                             "csrf_token": csrf_token(client, "/console/files/menu.yaml")})
    assert response.status_code == 422 and "cannot be read" in response.get_data(as_text=True)


def test_values_that_cannot_be_stored_are_a_clear_422(app, login):
    client = login("admin")
    before = live(app)
    page = edit_resource(client, "emergency-911", 422, phone="911; DROP")
    assert "The change was refused" in page and "&#39;911; DROP&#39; is not a phone number" in page
    assert 'id="save"' not in page
    menu = client.get("/console/files/menu.yaml").get_data(as_text=True)
    menu = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", menu, re.S).group(1))
    response = client.post("/console/files/menu.yaml", data={"text": menu + "\nx: " + "9" * 100_000 + "\n",
                                                             "csrf_token": csrf_token(client, "/console/files/menu.yaml")})
    assert response.status_code == 422 and "thousands of digits" in response.get_data(as_text=True)
    doc = file_doc(client, "interpreters.yaml")
    doc["lines"][0]["code"] = "vi-vietnam"
    response = post_file(client, "interpreters.yaml", doc)
    assert response.status_code == 422 and "at most 8 characters" in response.get_data(as_text=True)
    assert live(app) == before and not audit(app)


def test_a_value_the_database_refuses_is_a_422_not_an_unavailable_database(app, login, monkeypatch):
    from sqlalchemy.exc import DataError

    def refuse(*args, **kwargs):
        raise DataError("INSERT INTO sender ...", {}, Exception("value too long for type character varying(8)"))

    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    monkeypatch.setattr(app.extensions["store"], "replace_table", refuse)
    response = save(client, preview)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "too long or too large to store" in page and "unavailable" not in page


def test_a_change_made_meanwhile_is_not_overwritten(app, login, runner):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    client.post("/console/resources/national-hotline/verified",
                data={"csrf_token": csrf_token(client, "/console/resources/")})  # the table moves on
    response = save(client, preview)
    assert response.status_code == 302
    assert live(app).resources["chest-of-hope-helpline"].phone == "+12092595552"
    assert "Someone else changed the table" in client.get("/console/resources/").get_data(as_text=True)


def test_unknown_file_or_resource(login):
    client = login("admin")
    assert client.get("/console/files/secrets.yaml").status_code == 404
    assert client.get("/console/resources/nope/edit").status_code == 404


def test_preview_and_audit_read_as_words_with_the_changed_digit_marked(app, login):
    client = login("admin")
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    words = re.sub(r"<[^>]+>", "", preview)
    assert "Chest of Hope Helpline: phone (209) 259-555" in words
    assert "(209) 259-555<mark>2</mark>" in preview and "(209) 259-555<mark>3</mark>" in preview
    assert "@@" not in preview.split("<details>")[0]  # the raw diff is behind a click
    assert "<summary>The raw YAML change</summary>" in preview
    assert "<mark>" in preview.split("SMS en HOUSING")[1]  # the reply's changed words are marked too
    save(client, preview)
    page = client.get("/console/audit").get_data(as_text=True)
    assert "(209) 259-555<mark>3</mark>" in page and "<summary>The raw YAML change</summary>" in page


def test_911_is_never_unverified(login):
    page = login().get("/console/resources/").get_data(as_text=True)
    row = page[page.index('id="resource-emergency-911"'):]
    row = row[:row.index("</tr>")]
    assert "nothing to verify" in row and "never" not in row and "Verified today" not in row
    assert 'class="fail" id="resource-emergency-911"' not in page
    assert 'class="fail" id="resource-womens-center-hotline"' in page  # data/ leaves it unverified on purpose


def test_home_lists_what_needs_attention(app, login, runner, data_copy):
    client = login()
    home = client.get("/console/").get_data(as_text=True)
    attention = home[home.index('id="attention"'):home.index("</section>")]
    words = re.sub(r"<[^>]+>", "", attention)
    assert "Women&#39;s Center 24-hour Human Trafficking hotline: (209) 948-1911 never verified" in words
    assert "emergency-911" not in attention and "911 never" not in attention.replace("948-1911", "")
    path = data_copy / "reply_tests.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["sms"].append({"text": "help", "numbers": ["(209) 000-0000"]})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    home = client.get("/console/").get_data(as_text=True)
    assert 'Reply test SMS "help" fails' in html.unescape(home) and "missing (209) 000-0000" in home
    assert "missing (209) 000-0000" in client.post("/console/tests", data={
        "csrf_token": csrf_token(client, "/console/tests")}).get_data(as_text=True)  # the live table's tests


def test_reply_tests_are_edited_like_the_other_files(app, login):
    client = login("admin")
    page = client.get("/console/files/reply_tests.yaml").get_data(as_text=True)
    doc = yaml.safe_load(html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)))
    doc["sms"].append({"text": "motel", "numbers": ["(209) 259-5552"]})
    response = client.post("/console/files/reply_tests.yaml", data={
        "text": yaml.safe_dump(doc, allow_unicode=True), "csrf_token": csrf_token(client, "/console/files/reply_tests.yaml")})
    preview = html.unescape(response.get_data(as_text=True))
    assert "reply_tests.yaml: sms motel" in preview
    assert 'SMS "motel": missing (209) 259-5552' in preview  # "motel" is no keyword: the new test fails
    assert save(client, response.get_data(as_text=True)).status_code == 302
    assert any(row.get("text") == "motel" for row in live(app).reply_tests["sms"])


def test_preview_starts_with_the_change_and_save_the_rest_folded(login):
    client = login("admin")
    client.post("/console/resources/chest-of-hope-helpline/verified",
                data={"csrf_token": csrf_token(client, "/console/resources/")})
    preview = edit_resource(client, "chest-of-hope-helpline", phone="(209) 259-5553")
    main = preview[preview.index("<main>"):]
    save_at, replies_at = main.index('id="save"'), main.index('<details id="replies">')
    assert main.index('id="in-words"') < save_at < replies_at  # in words, then Save, then what else changes
    assert "SMS en HOUSING" not in main[:replies_at] and "SMS en HOUSING" in main[replies_at:]
    assert re.search(r"<summary>What texters and callers would get differently:\s+\d+ replies</summary>", main)
    unverified = re.search(r'<p class="flash unverified">(.*?)</p>', main, re.S).group(1)
    assert 'The number of the Chest of Hope Helpline changes' in unverified
    assert '<a href="tel:+12092595553">Call <span class="number">(209) 259-5553</span></a> and press' in unverified
    assert '<span class="number">(209) 259-555<mark>3</mark></span>' in main  # the number whole, its digit marked


def test_resources_and_home_link_numbers_to_call(login):
    client = login()
    page = client.get("/console/resources/").get_data(as_text=True)
    row = page[page.index('id="resource-chest-of-hope-helpline"'):]
    assert '<a class="number" href="tel:+12092595552">(209) 259-5552</a>' in row[:row.index("</tr>")]
    home = client.get("/console/").get_data(as_text=True)
    stale = re.search(r'<li class="stale">the Women&#39;s Center 24-hour Human Trafficking hotline:(.*?)</li>',
                      home, re.S)
    assert '<span class="number">(209) 948-1911</span>' in stale.group(1)
    assert '<a href="tel:+12099481911">Call and verify it</a>' in stale.group(1)
