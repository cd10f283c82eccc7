"""Teaching in the SMS simulator: why a text got its topics, and an admin's correction becomes an
example, previewed, saved with the audit log, and answered alike by every worker."""
import html
import re
import time

from bot import create_app
from conftest import csrf_token, parse_twiml, post_signed, wait_until
from test_console_resources import audit, save

TEXT = "the blue heron left the pier at dawn"


def simulate(client, body):
    token = csrf_token(client, "/console/sms")
    page = client.post("/console/sms", data={"csrf_token": token, "body": body, "language": "", "history": "[]"})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def teach(client, page, topic):
    """Submit the page's teach form with ``topic``; returns the preview page."""
    form = re.search(r'<form method="post" action="/console/sms/teach".*?</form>', page, re.S).group(0)
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
    fields["topic"] = topic
    response = client.post("/console/sms/teach", data=fields)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sms(app, body, sender):
    params = {"From": sender, "To": "+12095550000", "Body": body, "MessageSid": f"SM{time.time_ns():032d}"[-34:],
              "AccountSid": "AC" + "0" * 32}
    return parse_twiml(post_signed(app.test_client(), "/sms", params)).find("Message").text


def test_the_simulator_says_why(login):
    page = html.unescape(simulate(login(), "I need a shelter"))
    assert "keyword &#39;shelter&#39; -&gt; HOUSING" in page or "keyword 'shelter' -> HOUSING" in page
    assert "Topics: HOUSING" in page or "HOUSING" in page.split("Topics:")[1][:80]


def test_staff_cannot_teach(login):
    client = login("staff")
    page = simulate(client, TEXT)
    assert 'action="/console/sms/teach"' not in page
    assert client.post("/console/sms/teach", data={"csrf_token": csrf_token(client, "/console/sms"),
                                                   "text": TEXT, "lang": "en", "topic": "REPORT"}).status_code == 403


def test_an_admin_teaches_and_every_worker_answers_alike(app, app_config, login):
    other = create_app({**app_config, "TABLE_REFRESH_SECONDS": 0.2})  # a second worker, background refresh
    assert not sms(other, TEXT, "+12095550111").startswith("To report, call or text")  # not REPORT before
    client = login("admin")
    page = simulate(client, TEXT)
    assert "Topics: " in page and "REPORT" not in page.split("Topics: ")[1].split(";")[0]
    preview = teach(client, page, "REPORT")
    assert f"examples.yaml: en {TEXT}" in html.unescape(preview)
    assert not sms(app, TEXT, "+12095550112").startswith("To report, call or text")  # nothing saved yet
    assert save(client, preview).status_code == 302
    assert sms(app, TEXT.upper() + "!", "+12095550113").startswith("To report, call or text")  # at once, here
    wait_until(lambda: sms(other, TEXT, "+12095550114").startswith("To report, call or text"),
               "the other worker never used the taught example", seconds=10)
    [entry] = [e for e in audit(app) if e.target.startswith("examples.yaml")]
    assert entry.who == "admin@example.org" and entry.old is None and "REPORT" in entry.new
    other.extensions["store"].close()


def test_teaching_no_topic_replaces_the_example(app, login):
    client = login("admin")
    save(client, teach(client, simulate(client, TEXT), "DANGER"))
    assert sms(app, TEXT, "+12095550115").startswith("If you are in danger")
    save(client, teach(client, simulate(client, TEXT), ""))
    assert sms(app, TEXT, "+12095550116").startswith("Text HOTLINE")


def selected_topic(page):
    """The topic the teach form starts on."""
    form = re.search(r'<form method="post" action="/console/sms/teach".*?</form>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', form).group(1, 2)


def test_teaching_starts_on_the_bots_own_topic_or_the_first_topic(app, login):
    client = login("admin")
    assert "HOUSING" in selected_topic(simulate(client, "I need a shelter"))  # what the bot read
    first = app.extensions["store"].snapshot().table.topics[0].key
    assert first != "" and first in selected_topic(simulate(client, TEXT))  # nothing read: a real topic, not none
