"""The usage report in the console: real texts and calls are counted, simulators are not; "<5" for small counts."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.store import get_store
from bot.store.models import UsageCount
from bot.table.model import TIMEZONE
from conftest import csrf_token, parse_twiml, post_signed

CALLER = "+12095550177"
TEXTERS = [f"+1209555{n:04d}" for n in range(100, 106)]


def today() -> date:
    return datetime.now(TIMEZONE).date()


def stored(app) -> dict[tuple[str, str], int]:
    with app.app_context(), get_store().session() as session:
        return {(r.kind, r.key): r.count for r in session.scalars(select(UsageCount))}


def add_count(app, day: date, kind: str, key: str, count: int) -> None:
    with app.app_context(), get_store().session() as session:
        session.add(UsageCount(day=day, kind=kind, key=key, count=count))


def call_and_connect(client, key: str = "1", status: str = "completed") -> None:
    """A signed call to /voice: press ``key``, then the dialed line ends with ``status``."""
    params = {"CallSid": "CA" + "7" * 32, "AccountSid": "AC" + "0" * 32, "From": CALLER, "Caller": CALLER,
              "To": "+12095550000", "Direction": "inbound", "CallStatus": "in-progress"}
    root = parse_twiml(post_signed(client, "/voice", params))
    root = parse_twiml(post_signed(client, root.find("Gather").get("action"), {**params, "Digits": key}))
    parse_twiml(post_signed(client, root.find("Dial").get("action"),
                            {**params, "DialCallStatus": status, "DialCallDuration": "30"}))


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def traffic(client, text):
    """Real texts (5 for HOTLINE, 1 unmatched, 1 in Spanish) and one call connected to line 1."""
    for sender in TEXTERS[:5]:
        assert "(888) 373-7888" in text("I need help, my boss keeps my passport", sender=sender)
    text("blorp zzz", sender=TEXTERS[5])
    text("ayuda", sender="+12095550199")
    call_and_connect(client)


@pytest.mark.parametrize("path", ["/console/usage", "/console/usage.csv", "/console/usage?days=90"])
def test_login_required(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_real_texts_and_calls_are_counted(app, traffic):
    counts = stored(app)
    assert counts[("topic", "HOTLINE")] == 6  # 5 in English, "ayuda" in Spanish
    assert counts[("unmatched", "text")] == 1
    assert counts[("language", "en")] == 6 and counts[("language", "es")] == 1
    assert counts[("call", "started")] == 1
    assert counts[("connected", "womens-center-hotline")] == 1
    assert counts[("menu", "en key 1 -> womens-center-hotline")] == 1


def test_the_page_shows_the_counts_with_small_ones_hidden(login, traffic):
    client = login()  # staff may read it
    response = client.get("/console/usage")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<strong id="end">{today().isoformat()}</strong>' in html
    assert f'<strong id="start">{(today() - timedelta(days=29)).isoformat()}</strong>' in html
    totals = html[html.index('id="totals"'):]
    assert re.search(r"<td>topic</td><td>HOTLINE</td><td>6</td>", totals)
    assert re.search(r"<td>unmatched</td><td>text</td><td>&lt;5</td>", totals)
    assert re.search(r"<td>language</td><td>Español</td><td>&lt;5</td>", totals)  # named as in the charts
    assert re.search(r"<td>connected</td><td>(The )?Women&#39;s Center [^<]* \(womens-center-hotline\)</td><td>&lt;5</td>",
                     totals)
    for chart in ("texts", "languages", "calls", "menu", "connected"):
        assert f'<section class="report" id="{chart}">' in html
    assert f"{today():%b} {today().day}, HOTLINE: 6</title>" in html  # a bar's title
    assert not re.search(r": [1-4]</title>|<td>[1-4]</td>|>[1-4]</text>", html)  # no small number shown
    assert "Women&#39;s Center" in html or "Women's Center" in html  # lines by name
    assert "<svg" in html and "<title" in html and "<table" in html


def test_the_page_has_no_script_and_no_inline_style(login, traffic):
    response = login().get("/console/usage")
    html = response.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self' applies
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_csv(login, traffic):
    response = login().get("/console/usage.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    start, end = today() - timedelta(days=29), today()
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="helpline-usage-{start.isoformat()}-to-{end.isoformat()}.csv"'
    lines = read_csv(response)
    assert lines[0] == ["day", "kind", "key", "count"]
    day = today().isoformat()
    assert [day, "topic", "HOTLINE", "6"] in lines
    assert [day, "unmatched", "text", "<5"] in lines
    assert [day, "language", "es", "<5"] in lines
    assert [day, "call", "started", "<5"] in lines
    assert [day, "connected", "womens-center-hotline", "<5"] in lines
    assert ["total", "topic", "HOTLINE", "6"] in lines
    assert ["total", "unmatched", "text", "<5"] in lines
    assert all(len(line) == 4 and (line[3] == "<5" or int(line[3]) >= 5) for line in lines[1:])


def test_no_phone_number_or_body_anywhere(app, login, traffic):
    client = login()
    everything = client.get("/console/usage.csv").get_data(as_text=True) + \
        client.get("/console/usage").get_data(as_text=True)
    stored_text = " ".join(f"{kind} {key}" for kind, key in stored(app))
    for number in [*TEXTERS, CALLER, "+12095550199"]:
        digits = number[2:]
        for where in (everything, stored_text):
            assert number not in where and digits not in where and digits[-7:] not in where
    for body in ("my boss keeps my passport", "passport", "zzz qqq", "zzz", "ayuda"):
        assert body not in everything and body not in stored_text
    keys = {key for _, key in stored(app)}
    assert not any(re.fullmatch(r"[0-9a-f]{32,}", key) for key in keys)  # no hash either


def test_simulators_and_commands_are_not_counted(app, login, runner):
    client = login()
    token = csrf_token(client, "/console/sms")
    assert client.post("/console/sms", data={"csrf_token": token, "body": "help", "history": "[]"}).status_code == 200
    assert runner.invoke(args=["sms", "I need a place to stay"]).exit_code == 0
    assert runner.invoke(args=["call", "1", "dial=completed"]).exit_code == 0
    token = csrf_token(client, "/console/call")
    client.post("/console/call", data={"csrf_token": token, "press": "1", "steps": "[]"})
    assert stored(app) == {}
    assert read_csv(client.get("/console/usage.csv")) == [["day", "kind", "key", "count"]]
    assert "Nothing was counted in this period." in client.get("/console/usage").get_data(as_text=True)


def test_days_are_bounded_and_choose_the_period(app, login):
    add_count(app, today() - timedelta(days=40), "topic", "HOUSING", 9)
    add_count(app, today() - timedelta(days=3), "topic", "DANGER", 2)
    add_count(app, today() - timedelta(days=400), "topic", "INFO", 50)
    client = login()

    def days_in(query):
        response = client.get("/console/usage.csv" + query)
        return response.headers["Content-Disposition"], read_csv(response)

    disposition, lines = days_in("")
    assert [r[2] for r in lines[1:] if r[0] != "total"] == ["DANGER"]
    disposition, lines = days_in("?days=60")
    assert [r[2] for r in lines[1:] if r[0] != "total"] == ["HOUSING", "DANGER"]
    assert [(today() - timedelta(days=40)).isoformat(), "topic", "HOUSING", "9"] in lines
    disposition, lines = days_in("?days=1")  # at least 7 days
    assert f"{(today() - timedelta(days=6)).isoformat()}-to-" in disposition
    assert [r[2] for r in lines[1:] if r[0] != "total"] == ["DANGER"]
    disposition, lines = days_in("?days=100000")  # at most 365
    assert f"{(today() - timedelta(days=364)).isoformat()}-to-" in disposition
    assert "INFO" not in {r[2] for r in lines}
    disposition, _ = days_in("?days=abc")  # the default, 30
    assert f"{(today() - timedelta(days=29)).isoformat()}-to-" in disposition
    html = client.get("/console/usage?days=365").get_data(as_text=True)
    assert 'name="days" min="7" max="365" value="365"' in html
    assert html.count('class="bar ') == 2  # HOUSING and DANGER, one day each


def test_menu_choices_count_in_the_menu_where_they_were_made_and_read_as_words(app, client, login):
    params = {"CallSid": "CA" + "8" * 32, "AccountSid": "AC" + "0" * 32, "From": CALLER, "Caller": CALLER,
              "To": "+12095550000", "Direction": "inbound", "CallStatus": "in-progress"}
    root = parse_twiml(post_signed(client, "/voice", params))
    root = parse_twiml(post_signed(client, root.find("Gather").get("action"), {**params, "Digits": "9"}))
    spanish = root.find("Gather").get("action")
    parse_twiml(post_signed(client, spanish, {**params, "Digits": "1"}))
    parse_twiml(post_signed(client, spanish, params))  # silence in the Spanish menu (the Gather's Redirect)
    counts = stored(app)
    assert counts[("menu", "en key 9 -> menu es")] == 1  # pressed in the English menu
    assert counts[("menu", "es key 1 -> womens-center-hotline")] == 1
    assert counts[("menu", "es silence -> menu")] == 1
    for key in ("en key 9 -> menu es", "es key 1 -> womens-center-hotline", "es silence -> menu"):
        add_count(app, today() - timedelta(days=1), "menu", key, 7)  # 5 or more: shown as a number
    page = login().get("/console/usage").get_data(as_text=True)
    assert "English menu, key 9 → Español menu" in page
    assert "Español menu, key 1 → The Women&#39;s Center 24-hour Human Trafficking hotline" in page
    assert "Español menu, no key pressed → menu again" in page
    assert "-&gt;" not in page and " -> " not in page
