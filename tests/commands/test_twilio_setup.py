"""flask twilio-setup: the number's webhooks set and checked through the REST API, against a local fake Twilio."""
from __future__ import annotations

import socket

import pytest

from bot import create_app

SID = "AC" + "1" * 32
TOKEN = "fake-auth-token"
BASE = "https://helpline.example.org"
NUMBER = "+12095550123"
FIELDS = {"SmsUrl", "SmsMethod", "SmsFallbackUrl", "SmsFallbackMethod", "SmsApplicationSid", "VoiceUrl",
          "VoiceMethod", "VoiceFallbackUrl", "VoiceFallbackMethod", "VoiceApplicationSid",
          "InboundRequestUrl", "InboundMethod", "FallbackUrl", "FallbackMethod"}


def snake(field: str) -> str:
    """SmsUrl -> sms_url, as Twilio's JSON names its fields."""
    return "".join("_" + c.lower() if c.isupper() else c for c in field).lstrip("_")


def number(sid: str, phone: str, **fields) -> dict:
    """An IncomingPhoneNumber as Twilio returns it: a fresh number has demo URLs and POST."""
    row = {"sid": sid, "account_sid": SID, "phone_number": phone, "friendly_name": phone,
           "sms_url": "https://demo.twilio.com/welcome/sms/reply", "sms_method": "POST", "sms_fallback_url": "",
           "sms_fallback_method": "POST", "sms_application_sid": "", "voice_url": "https://demo.twilio.com/docs/voice.xml",
           "voice_method": "POST", "voice_fallback_url": "", "voice_fallback_method": "POST",
           "voice_application_sid": ""}
    return {**row, **fields}


class FakeTwilio:
    """State of a small Twilio account: numbers, Messaging Services and their numbers; every request kept."""

    def __init__(self):
        self.numbers = {"PN" + "a" * 32: number("PN" + "a" * 32, NUMBER)}
        self.services: dict[str, dict] = {}
        self.members: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.fail_updates: tuple[int, int, str] | None = None

    def add_service(self, sid: str, members: list[str], **fields) -> dict:
        """A Messaging Service holding ``members`` (number SIDs)."""
        self.services[sid] = {"sid": sid, "account_sid": SID, "friendly_name": "Helpline service",
                              "inbound_request_url": "", "inbound_method": "POST", "fallback_url": "",
                              "fallback_method": "POST", "use_inbound_webhook_on_number": False, **fields}
        self.members[sid] = members
        return self.services[sid]

    def answer(self, method: str, path: str, query: dict, form: dict, auth: str) -> tuple[int, dict]:
        """Twilio's answer to one request (its JSON error answers included)."""
        self.requests.append((method, path, form))
        if auth != f"{SID}:{TOKEN}":
            return 401, {"code": 20003, "message": "Authenticate", "status": 401,
                         "more_info": "https://www.twilio.com/docs/errors/20003"}
        parts = path.strip("/").removesuffix(".json").split("/")
        if method == "POST" and self.fail_updates:
            status, code, message = self.fail_updates
            return status, {"code": code, "message": message, "status": status}
        if parts[:4] == ["2010-04-01", "Accounts", SID, "IncomingPhoneNumbers"]:
            if len(parts) == 4:
                wanted = query.get("PhoneNumber", [None])[0]
                rows = [n for n in self.numbers.values() if wanted in (None, n["phone_number"])]
                return 200, {"incoming_phone_numbers": rows, "next_page_uri": None, "page": 0,
                             "page_size": 50, "uri": path, "start": 0, "end": len(rows) - 1,
                             "first_page_uri": path, "previous_page_uri": None}
            return self._one(self.numbers, parts[4], method, form)
        if parts[:2] == ["v1", "Services"]:
            if len(parts) == 2:
                return 200, {"services": list(self.services.values()), "meta": self._meta("services")}
            if len(parts) == 4 and parts[3] == "PhoneNumbers" and parts[2] in self.services:
                rows = [{"sid": s, "phone_number": self.numbers[s]["phone_number"], "service_sid": parts[2]}
                        for s in self.members[parts[2]]]
                return 200, {"phone_numbers": rows, "meta": self._meta("phone_numbers")}
            if len(parts) == 3:
                return self._one(self.services, parts[2], method, form)
        return 404, {"code": 20404, "message": f"The requested resource {path} was not found", "status": 404}

    def _one(self, rows: dict, sid: str, method: str, form: dict) -> tuple[int, dict]:
        """Fetch or update one resource."""
        if sid not in rows:
            return 404, {"code": 20404, "message": f"The requested resource {sid} was not found", "status": 404}
        if method == "POST":
            assert set(form) <= FIELDS, set(form) - FIELDS
            rows[sid].update({snake(k): v for k, v in form.items()})
        return 200, rows[sid]

    @staticmethod
    def _meta(key: str) -> dict:
        """The paging part of a v1 list."""
        return {"key": key, "page": 0, "page_size": 50, "next_page_url": None, "previous_page_url": None,
                "first_page_url": None, "url": None}

    def updates(self) -> list[tuple[str, dict]]:
        """Every POST: its path and form."""
        return [(path, form) for method, path, form in self.requests if method == "POST"]


@pytest.fixture
def fake(local_api):
    """A FakeTwilio served on 127.0.0.1."""
    state = FakeTwilio()
    state.url = local_api(lambda r: state.answer(r["method"], r["path"], r["query"], r["form"], r["auth"]))
    return state


@pytest.fixture
def setup(app_config, fake):
    """Run twilio-setup with these arguments against the fake; returns the result."""
    made = []

    def run(*args, input=None, **settings):
        config = {**app_config, "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
                  "TWILIO_API_BASE_URL": fake.url, "PUBLIC_BASE_URL": BASE + "/", **settings}
        app = create_app(config)
        made.append(app)
        return app.test_cli_runner().invoke(args=["twilio-setup", *args], input=input)

    yield run
    for app in made:
        app.extensions["store"].close()


FALLBACKS = ["--sms-fallback-url", "https://static.example.org/sms.xml",
             "--voice-fallback-url", "https://static.example.org/voice.xml"]


def test_check_reports_a_fresh_number_as_wrong_and_changes_nothing(setup, fake):
    fake.numbers["PN" + "a" * 32]["voice_method"] = "GET"
    result = setup("--check")
    assert result.exit_code == 1, result.output
    assert f"SmsUrl is https://demo.twilio.com/welcome/sms/reply, should be {BASE}/sms" in result.output
    assert "VoiceMethod is GET, should be POST" in result.output
    assert "WARNING number SmsFallbackUrl is not set" in result.output
    assert "WARNING number VoiceFallbackUrl is not set" in result.output
    assert fake.updates() == []


def test_setup_sets_webhooks_and_fallbacks_then_check_passes(setup, fake):
    result = setup("--yes", *FALLBACKS)
    assert result.exit_code == 0, result.output
    [(path, form)] = fake.updates()
    assert path == f"/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers/{'PN' + 'a' * 32}.json"
    assert form == {"SmsUrl": f"{BASE}/sms", "VoiceUrl": f"{BASE}/voice",
                    "SmsFallbackUrl": "https://static.example.org/sms.xml", "SmsFallbackMethod": "GET",
                    "VoiceFallbackUrl": "https://static.example.org/voice.xml", "VoiceFallbackMethod": "GET"}
    assert "All set." in result.output
    check = setup("--check")  # fallbacks already set need not be given again; GET is fine on a fallback
    assert check.exit_code == 0, check.output
    assert setup("--check", "--voice-fallback-url", "https://other.example.org/v.xml").exit_code == 1


def test_setup_asks_first_and_a_no_changes_nothing(setup, fake):
    result = setup(*FALLBACKS, input="n\n")
    assert result.exit_code != 0
    assert "Will change:" in result.output and "SmsUrl" in result.output
    assert fake.updates() == []
    assert setup(*FALLBACKS, input="y\n").exit_code == 0
    assert fake.numbers["PN" + "a" * 32]["voice_url"] == f"{BASE}/voice"


def test_webhook_method_get_is_wrong_but_fine_on_a_fallback(setup, fake):
    fake.numbers["PN" + "a" * 32].update(sms_url=f"{BASE}/sms", voice_url=f"{BASE}/voice", sms_method="GET",
                                         sms_fallback_url="https://s.example.org/sms.xml", sms_fallback_method="GET",
                                         voice_fallback_url="https://s.example.org/voice.xml",
                                         voice_fallback_method="GET")
    result = setup("--check")
    assert result.exit_code == 1
    assert "1 problem(s)" in result.output and "SmsMethod is GET, should be POST" in result.output
    assert setup("--yes").exit_code == 0
    assert fake.updates()[0][1] == {"SmsMethod": "POST"}


def test_messaging_service_that_overrides_the_number_is_set_instead(setup, fake):
    fake.add_service("MG" + "b" * 32, ["PN" + "a" * 32], inbound_request_url="https://old.example.org/in")
    check = setup("--check")
    assert check.exit_code == 1
    assert "override the number's own SMS URL" in check.output
    assert f"InboundRequestUrl is https://old.example.org/in, should be {BASE}/sms" in check.output
    assert setup("--yes", *FALLBACKS).exit_code == 0
    service = fake.services["MG" + "b" * 32]
    assert service["inbound_request_url"] == f"{BASE}/sms" and service["inbound_method"] == "POST"
    assert service["fallback_url"] == "https://static.example.org/sms.xml"
    assert setup("--check").exit_code == 0


def test_service_that_defers_to_the_number_leaves_the_number_in_charge(setup, fake):
    fake.add_service("MG" + "c" * 32, ["PN" + "a" * 32], use_inbound_webhook_on_number=True)
    result = setup("--yes", *FALLBACKS)
    assert result.exit_code == 0, result.output
    assert "override" not in result.output
    assert fake.numbers["PN" + "a" * 32]["sms_url"] == f"{BASE}/sms"
    assert fake.services["MG" + "c" * 32]["inbound_request_url"] == ""


def test_a_twiml_app_on_the_number_is_reported_and_cleared(setup, fake):
    fake.numbers["PN" + "a" * 32]["voice_application_sid"] = "AP" + "d" * 32
    assert "overrides the webhook URLs" in setup("--check").output
    assert setup("--yes", *FALLBACKS).exit_code == 0
    assert fake.numbers["PN" + "a" * 32]["voice_application_sid"] == ""


def test_several_numbers_need_number(setup, fake):
    fake.numbers["PN" + "e" * 32] = number("PN" + "e" * 32, "+12095550188")
    result = setup("--check")
    assert result.exit_code == 1 and "choose one with --number" in result.output
    result = setup("--yes", "--number", "(209) 555-0188", *FALLBACKS)
    assert result.exit_code == 0, result.output
    assert fake.numbers["PN" + "e" * 32]["sms_url"] == f"{BASE}/sms"
    assert fake.numbers["PN" + "a" * 32]["sms_url"].startswith("https://demo.twilio.com")
    missing = setup("--check", "--number", "(209) 465-0100")
    assert missing.exit_code == 1 and "+12094650100 is not a number of this Twilio account" in missing.output


def test_setup_without_fallbacks_did_what_was_asked_and_warns(setup, fake):
    result = setup("--yes")
    assert result.exit_code == 0, result.output
    assert fake.numbers["PN" + "a" * 32]["sms_url"] == f"{BASE}/sms"
    assert "WARNING number SmsFallbackUrl is not set" in result.output
    assert "WARNING number VoiceFallbackUrl is not set" in result.output
    assert "WRONG" not in result.output and "All set. 2 warning(s)" in result.output
    check = setup("--check")  # a check still fails on a missing fallback
    assert check.exit_code == 1 and "WARNING number SmsFallbackUrl is not set" in check.output


def one_line_error(result) -> str:
    """The error a failed command printed: exactly one line, and no traceback (the command exited by itself)."""
    assert result.exit_code == 1 and result.exc_info[0] is SystemExit, result.exc_info
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    return line


def test_twilio_errors_are_explained(setup, fake):
    wrong = one_line_error(setup("--check", TWILIO_AUTH_TOKEN="wrong"))
    assert "Twilio answered 401: Authenticate (error 20003, https://www.twilio.com/docs/errors/20003)" in wrong
    assert "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in wrong
    fake.fail_updates = (429, 20429, "Too Many Requests")
    busy = one_line_error(setup("--yes", *FALLBACKS))
    assert "Twilio answered 429: Unable to update record: Too Many Requests (error 20429" in busy
    assert "wait a minute" in busy
    assert fake.numbers["PN" + "a" * 32]["sms_url"].startswith("https://demo.twilio.com")
    fake.fail_updates = (500, 20500, "Internal Server Error")
    assert "status.twilio.com" in one_line_error(setup("--yes", *FALLBACKS))


def test_an_unreachable_twilio_is_one_line(setup, fake):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{s.getsockname()[1]}"
    refused = one_line_error(setup("--check", TWILIO_API_BASE_URL=f"http://{closed}"))
    assert f"Twilio could not be reached at {closed}: Connection refused: check this machine's network" in refused
    plain = fake.url.removeprefix("http://")  # https to a server that speaks plain http
    tls = one_line_error(setup("--yes", TWILIO_API_BASE_URL=f"https://{plain}"))
    assert f"Twilio could not be reached at {plain}: the TLS handshake failed" in tls
    assert fake.updates() == []


def test_settings_needed_first(setup):
    assert "PUBLIC_BASE_URL" in setup("--check", PUBLIC_BASE_URL="").output
    assert "TWILIO_ACCOUNT_SID" in setup("--check", TWILIO_ACCOUNT_SID="").output
