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
    expect(page.locator("#conversation")).to_contain_text("In danger now? Call 911.")

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
