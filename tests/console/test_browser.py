"""End to end, in a real browser: Playwright driving Debian's Chromium, headless, against a live server.

Without Chromium the test is skipped with the reason; CI sets REQUIRE_BROWSER=1, so there a
missing browser fails instead.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from bot import create_app
from conftest import STAFF_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.once  # the pages and forms are the same on any database; run on SQLite


@pytest.fixture
def browser():
    """A headless Chromium, or a skip (a failure under REQUIRE_BROWSER=1) when there is none."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app_config):
    """The app served on a free 127.0.0.1 port, with the production cookie settings."""
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def sign_in(page, base, email):
    """Open the console as a stranger and sign in through the form."""
    page.goto(base + "/console/")
    assert "/console/login" in page.url
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def test_staff_test_a_text_and_a_call(browser, live_server):
    from playwright.sync_api import expect

    from bot.store import get_store, staff

    app, base = live_server
    with app.app_context(), get_store().session() as session:
        staff.add(session, "outreach@example.org", STAFF_PASSWORD)
    page = browser.new_page()
    sign_in(page, base, "outreach@example.org")

    page.click("text=SMS simulator")
    page.fill("textarea[name=body]", "help")
    page.click("#send")
    expect(page.locator("#conversation")).to_contain_text("(209) 948-1911")
    expect(page.locator("#conversation")).to_contain_text("If you are in danger, call 911.")

    page.click("text=Call simulator")
    page.click("button[name=press][value='1']")
    expect(page.locator("#connected")).to_contain_text("(209) 948-1911")


def test_admin_edits_a_number_and_the_simulator_sends_it(browser, live_server):
    from playwright.sync_api import expect

    from bot.store import get_store, staff

    app, base = live_server
    with app.app_context(), get_store().session() as session:
        staff.add(session, "admin@example.org", STAFF_PASSWORD, "admin")
    page = browser.new_page()
    sign_in(page, base, "admin@example.org")

    page.click("text=Resources")
    page.click("#resource-chest-of-hope-helpline >> text=Edit")
    page.fill("input[name=phone]", "(209) 259-5553")
    page.click("#preview")
    expect(page.locator("body")).to_contain_text("SMS en HOUSING")
    page.click("#save")
    expect(page.locator(".flash")).to_contain_text("Saved")

    page.click("text=SMS simulator")
    page.fill("textarea[name=body]", "I need a place to stay")
    page.click("#send")
    expect(page.locator("#conversation")).to_contain_text("(209) 259-5553")


PHONE = {"width": 390, "height": 844}
PAGES = ["/console/", "/console/sms", "/console/call", "/console/tests", "/console/resources/", "/console/audit",
         "/console/history/", "/console/history/1",
         "/console/usage", "/console/accounts", "/console/password", "/console/files/topics.yaml",
         "/console/no-such-page"]


def test_every_page_fits_a_phone_and_a_password_changes(browser, live_server):
    from datetime import date, timedelta

    from playwright.sync_api import expect

    from bot.store import get_store, staff
    from bot.store.models import UsageCount

    app, base = live_server
    with app.app_context(), get_store().session() as session:
        staff.add(session, "admin-with-a-rather-long-address@example.org", STAFF_PASSWORD, "admin")
        for key in ("en key 1 -> womens-center-hotline", "en key 9 -> menu es", "es silence -> menu"):
            session.add(UsageCount(day=date.today() - timedelta(days=1), kind="menu", key=key, count=12))
    page = browser.new_page(viewport=PHONE)
    sign_in(page, base, "admin-with-a-rather-long-address@example.org")
    page.goto(base + "/console/resources/")
    page.click("#resource-chest-of-hope-helpline >> text=Edit")
    page.fill("input[name=phone]", "(209) 259-5553")
    page.click("#preview")
    expect(page.locator(".new mark").first).to_have_text("3")  # the one changed digit, marked
    page.click("#save")
    for path in PAGES:
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390 px"
    page.goto(base + "/console/usage")
    label = page.locator("#menu svg text", has_text="English menu, key 1")
    assert label.bounding_box()["height"] >= 9  # readable on the phone, not a 5 px smudge
    assert page.locator("#menu svg").bounding_box()["width"] <= PHONE["width"]

    page.goto(base + "/console/password")
    page.fill("input[name=current]", STAFF_PASSWORD)
    page.fill("input[name=password]", "a new and long passphrase")
    page.fill("input[name=confirm]", "a new and long passphrase")
    page.click("#change")
    expect(page.locator(".flash")).to_contain_text("Your password is changed")
    page.click("text=Sign out")
    page.fill("input[name=email]", "admin-with-a-rather-long-address@example.org")
    page.fill("input[name=password]", "a new and long passphrase")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def whole_lines(page) -> list[str]:
    """The text of every number element of the page that the browser broke over more than one line."""
    return page.evaluate("""() => [...document.querySelectorAll('.number')]
        .filter(e => new Set([...e.getClientRects()].map(r => Math.round(r.bottom))).size > 1)
        .map(e => e.textContent)""")  # a mark inside a number makes more boxes, but all on one line


def test_a_change_on_a_phone_starts_with_save_and_no_number_breaks(browser, live_server):
    from playwright.sync_api import expect

    from bot.store import get_store, staff

    app, base = live_server
    with app.app_context(), get_store().session() as session:
        staff.add(session, "phone-admin@example.org", STAFF_PASSWORD, "admin")
    page = browser.new_page(viewport=PHONE)
    sign_in(page, base, "phone-admin@example.org")
    assert page.locator('#attention a[href^="tel:+1"]', has_text="Call and verify it").count() >= 1
    page.goto(base + "/console/resources/")
    expect(page.locator("#resource-chest-of-hope-helpline a.number")).to_have_attribute("href", "tel:+12092595552")
    page.click("#resource-chest-of-hope-helpline >> text=Edit")
    page.fill("input[name=phone]", "(209) 259-5553")
    page.click("#preview")
    save = page.locator("#save").bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert save["y"] + save["height"] <= PHONE["height"], f"Save is {save['y']:.0f}px down, below the first screen"
    expect(page.locator("#in-words")).to_contain_text("(209) 259-5553")
    replies = page.locator("#replies")
    assert replies.get_attribute("open") is None  # folded
    replies.locator("summary").click()
    numbers = page.locator(".number")
    assert numbers.count() >= 20 and page.locator("#replies .number").first.is_visible()
    assert whole_lines(page) == []
    height = page.locator("#in-words .new .number").bounding_box()["height"]
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#in-words .new .number')).lineHeight)")
    assert height <= line * 1.2, f"the new number is {height}px high, one line is {line}px"

    page.click("text=Call simulator")
    page.click("button[name=press][value='2']")
    expect(page.locator("#connected")).to_have_text("Connected to the Chest of Hope Helpline (209) 259-5552")
    assert whole_lines(page) == []


def lan_address() -> str | None:
    """This machine's address on its network (not loopback), or None."""
    import socket
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("secure", [None, True])
def test_sign_in_over_plain_http_on_a_lan_address(browser, app_config, secure):
    from playwright.sync_api import expect

    from bot.store import get_store, staff

    address = lan_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": secure})  # None: the default setting
    with app.app_context(), get_store().session() as session:
        staff.add(session, "lan@example.org", STAFF_PASSWORD)
    server = make_server(address, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://{address}:{server.server_port}"
    try:
        page = browser.new_page()
        page.goto(base + "/console/login")
        page.fill("input[name=email]", "lan@example.org")
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("button[type=submit]")
        if secure is None:
            page.wait_for_url(base + "/console/")  # the browser kept the cookie: signed in
        else:  # a Secure cookie over http: Chromium drops it, and the page says why and what to change
            expect(page.locator("#cookie-refused")).to_contain_text("did not send the console's cookie back")
            expect(page.locator("#cookie-refused")).to_contain_text("SESSION_COOKIE_SECURE")
            assert "/console/login" in page.url
    finally:
        server.shutdown()
        thread.join()
        app.extensions["store"].close()
