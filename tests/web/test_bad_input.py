"""Bad input: hypothesis property tests over matching, replies and the webhooks.

Properties: never a 500; a correctly signed request always gets 200 and well-formed TwiML
(an SMS reply with 911 and a 24/7 number unless the sender opted out; a call that is
dialed, hears the National Hotline number, or is asked to choose); anything else gets a
short plain-text (or JSON) 4xx: 403 bad or missing signature, 405 wrong method, 413 too large.

One app (and database) serves the whole module; every example texts from a fresh sender
with a fresh MessageSid, so opt-outs, retries and the reply limit of one example never
reach another.
"""
import io
import itertools
import json
import re
import tracemalloc
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from flask import request
from werkzeug.datastructures import MultiDict

from bot import create_app
from bot.conversation import menu, replies, texting
from bot.table.files import read_table
from bot.understanding.matching import Matcher
from bot.store.snapshots import build
from bot.phones import display
from bot.conversation.segments import GSM7, encoding, segments
from conftest import AUTH_TOKEN, DATA_DIR, drop_database, empty_database, sign

BASE = "http://localhost"
TABLE = read_table(DATA_DIR)
MATCHER = build(TABLE, None, None, DATA_DIR.parent / "instance" / "models", wait=True).understander  # keywords + model
LIMIT = 64 * 1024  # MAX_CONTENT_LENGTH
NATIONAL_SPOKEN = "(888) 373-7888"  # the number the voice last resort says and the menu's fallback line
ALWAYS_OPEN = {display(r.phone) for r in TABLE.lines_24_7()}
EMERGENCY = "911"
ROUTES = ("/sms", "/voice", "/voice/choice", "/voice/dialed")
VOICE_VERBS = {"Say", "Pause", "Gather", "Redirect", "Dial", "Hangup"}
KEYWORDS = sorted({p for t in TABLE.topics for ps in t.keywords.values() for p in ps}
                  | {w for lang in TABLE.languages.values() for w in lang.switch}
                  | texting.OPT_OUT | texting.OPT_IN)

FAST = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])

# Text of every kind: any code point but surrogates, with control, format and separator
# characters made likely, up to 2,000 characters; texts of real keywords and noise; long texts.
anything = st.characters(exclude_categories=("Cs",))
controls = st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Zs", "Mn"))
noise = st.text(st.one_of(anything, controls), max_size=2000)
wordy = st.lists(st.one_of(st.sampled_from(KEYWORDS), st.text(st.one_of(anything, controls), max_size=8)),
                 max_size=40).map(" ".join)
long_texts = st.builds(lambda unit, n: (unit * n)[:3000], st.sampled_from(["help ", "ayuda", "x", "é ", "\x00 stop "]),
                       st.integers(1600, 3000))
texts = st.one_of(noise, wordy, long_texts)

_numbers = itertools.count(1)


def fresh_sender() -> str:
    """A sender never seen before in this module."""
    return f"+1209{next(_numbers):07d}"


def fresh_sid() -> str:
    return "SM" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def client(tmp_path_factory, seeded_database):
    """One app for the module; the reply limit is out of the way (tests/test_inbox.py covers it)."""
    url = empty_database(tmp_path_factory.mktemp("bad_input"), template=seeded_database)
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SECRET_KEY": "test-secret-key",
        "SENDER_HASH_KEY": "test-sender-hash-key",
        "TABLE_REFRESH_SECONDS": 60,
        "WRITE_BATCH_SECONDS": 60,
        "RATE_LIMIT": 10**6,
    })
    yield app.test_client()
    app.extensions["store"].close()
    drop_database(url)


def post(client, path, params=None, signed=True, **kwargs):
    """POST form ``params`` (a dict or MultiDict) to ``path``, signed as Twilio signs it."""
    params = params if params is not None else {}
    headers = kwargs.pop("headers", {})
    if signed:
        headers["X-Twilio-Signature"] = sign(BASE + path, params)
    if "data" not in kwargs and "json" not in kwargs:
        kwargs["data"] = params
    return client.post(path, headers=headers, **kwargs)


def twiml(response) -> ET.Element:
    """The response's TwiML, which must be well-formed with a <Response> root."""
    assert response.status_code == 200, (response.status_code, response.data[:200])
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def clear_refusal(response, *codes):
    """A 4xx in ``codes`` with a short plain-text or JSON body, not an HTML page."""
    assert response.status_code in codes, (response.status_code, response.data[:200])
    assert response.mimetype in ("text/plain", "application/json"), response.mimetype
    assert len(response.data) < 300
    assert b"<" not in response.data
    if response.mimetype == "application/json":
        assert json.loads(response.data)["status"] == response.status_code


def check_sms(root, body: str | None):
    """One <Message> with the numbers, exactly the domain's reply (None: an empty reply)."""
    messages = root.findall("Message")
    if body is None:
        assert len(root) == 0
        return
    assert [m.text for m in messages] == [body]
    check_sms_text(body)


def check_sms_text(body: str):
    assert EMERGENCY in body
    assert any(number in body for number in ALWAYS_OPEN), body


def expected_reply(form) -> str | None:
    """What a fresh sender gets for this form, by the domain itself."""
    outcome = texting.answer(TABLE, MATCHER, form.get("Body", ""), texting.SenderState(), form.get("OptOutType", ""))
    return outcome.body


def check_voice(root, talked: bool = False):
    """A call that goes on: dialed, told the National Hotline number, or asked to choose; URLs stay ours.

    ``talked``: the caller was connected and the call has ended, so a goodbye and <Hangup/> is right.
    """
    assert {v.tag for v in root} <= VOICE_VERBS, [v.tag for v in root]
    said = " ".join("".join(s.itertext()) for s in root.iter("Say"))
    goes_on = (root.find("Dial") is not None or NATIONAL_SPOKEN in said
               or root.find("Gather") is not None or root.find("Redirect") is not None)
    assert goes_on or (talked and root[-1].tag == "Hangup"), said
    urls = [e.get("action") for e in root.iter() if e.get("action")] + [r.text for r in root.iter("Redirect")]
    assert all(u.startswith("/voice/") for u in urls), urls


def test_national_number_is_the_tables_fallback():
    assert display(TABLE.resources[TABLE.fallback].phone) == NATIONAL_SPOKEN


# --- matching and replies, without Flask -------------------------------------------------------

@settings(deadline=None, max_examples=300)
@given(st.one_of(noise, wordy))
def test_matching_never_raises(text):
    match = MATCHER.match(text)
    assert len(set(match.topics)) == len(match.topics)
    assert list(match.topics) == sorted(match.topics, key=MATCHER.urgency.__getitem__)
    assert match.language in (None, *TABLE.languages)
    assert match.switch in (None, *TABLE.languages)


@settings(deadline=None, max_examples=200)
@given(st.sets(st.sampled_from([t.key for t in TABLE.topics])), st.sampled_from(list(TABLE.languages)))
def test_reply_for_any_matched_topics(topics, language):
    ordered = tuple(sorted(topics, key=MATCHER.urgency.__getitem__))  # as Matcher.match gives them
    body = replies.sms(TABLE, ordered, language)
    check_sms_text(body)
    words = TABLE.messages[language]
    assert body.endswith(f"\n{words['automated']}")
    assert len(re.findall(r"(?<!\d)911(?!\d)", body)) == 1  # said once: the closing line or DANGER's intro
    assert (f"{words['danger']}\n" in body) == ("DANGER" not in topics)
    assert segments(body) <= replies.budget(TABLE, ordered, language)
    if TABLE.languages[language].gsm7:
        assert encoding(body) == GSM7


@settings(deadline=None, max_examples=200)
@given(texts, st.sampled_from([None, *TABLE.languages]), st.booleans(), st.sampled_from(["", "STOP", "START", "x"]))
def test_answer_to_any_text(text, remembered, opted_out, opt_out_type):
    outcome = texting.answer(TABLE, MATCHER, text, texting.SenderState(remembered, opted_out), opt_out_type)
    others = {line.code for line in TABLE.interpreting.lines}  # an interpreter line's language
    assert outcome.language in TABLE.languages or outcome.language in others
    if outcome.body is not None:
        check_sms_text(outcome.body)
        limit = (replies.budget(TABLE, outcome.topics, outcome.language) if outcome.language in TABLE.languages
                 else TABLE.interpreting.max_segments)
        assert segments(outcome.body) <= limit


def test_matching_memory_stays_linear_in_a_long_word():
    """Words far longer than any keyword skip the fuzzy step (it builds every one-letter deletion of a word)."""
    word = "".join(chr(ord("a") + (i * 7 + i // 26) % 26) for i in range(8000))
    matcher = Matcher(TABLE)
    tracemalloc.start()
    try:
        matcher.match(word)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, f"{peak / 1e6:.0f} MB to match one {len(word)}-letter word"


def test_a_long_word_in_a_signed_text(client):
    """Found by these tests: a word of 60,000 letters once took gigabytes (every one-letter deletion of it)."""
    word = "".join(chr(ord("a") + (i * 7 + i // 26) % 26) for i in range(60_000))
    form = {"From": fresh_sender(), "Body": word, "MessageSid": fresh_sid()}
    check_sms(twiml(post(client, "/sms", form)), expected_reply(form))


# --- /sms --------------------------------------------------------------------------------------

@FAST
@given(body=texts)
def test_sms_any_body(client, body):
    form = {"From": fresh_sender(), "To": "+12095550000", "Body": body, "MessageSid": fresh_sid()}
    check_sms(twiml(post(client, "/sms", form)), expected_reply(form))


@FAST
@given(fields=st.dictionaries(st.sampled_from(["To", "AccountSid", "NumMedia", "SmsStatus", "FromCity",
                                               "OptOutType", "ApiVersion"]), texts, max_size=4),
       extra=st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=50), max_size=3))
def test_sms_any_other_fields(client, fields, extra):
    form = {**extra, **fields, "From": fresh_sender(), "Body": "help", "MessageSid": fresh_sid()}
    check_sms(twiml(post(client, "/sms", form)), expected_reply(form))


@FAST
@given(bodies=st.lists(texts, max_size=3), senders=st.integers(0, 2), sids=st.integers(0, 2))
def test_sms_missing_or_repeated_fields(client, bodies, senders, sids):
    pairs = [("Body", b) for b in bodies] + [("From", fresh_sender()) for _ in range(senders)]
    pairs += [("MessageSid", fresh_sid()) for _ in range(sids)]
    form = MultiDict(pairs)
    root = twiml(post(client, "/sms", form))
    if senders:
        check_sms(root, expected_reply(form))  # the first value of a field counts
    elif root.find("Message") is not None:  # every text without From shares one (empty) sender
        check_sms_text(root.find("Message").text)


def test_sms_without_any_field(app_config):
    """An app of its own: every text without From shares one sender state, which other examples here change."""
    app = create_app(app_config)
    check_sms(twiml(post(app.test_client(), "/sms", {})), replies.sms(TABLE, (), TABLE.default_language))
    app.extensions["store"].close()


@FAST
@given(raw=st.binary(max_size=3000), escaped=st.booleans(), body_first=st.booleans())
def test_sms_bytes_that_are_not_utf8(client, raw, escaped, body_first):
    """Bytes that are not UTF-8 posted as a form, %-escaped (Werkzeug keeps them escaped in the value)
    or raw (Werkzeug then reads no fields at all). Twilio signs the fields as it sent them."""
    raw = quote_from_bytes(raw).encode() if escaped else raw
    sender = b"From=" + quote(fresh_sender()).encode() + b"&MessageSid=" + fresh_sid().encode()
    data = b"Body=" + raw + b"&" + sender if body_first else sender + b"&" + raw
    with client.application.test_request_context("/sms", method="POST", data=data,
                                                 content_type="application/x-www-form-urlencoded"):
        form = request.form.copy()
    root = twiml(post(client, "/sms", form, data=data, content_type="application/x-www-form-urlencoded"))
    if "From" in form:
        check_sms(root, expected_reply(form))
    elif root.find("Message") is not None:  # no fields: a text without From, like every other one
        check_sms_text(root.find("Message").text)
    unsigned = client.post("/sms", data=data, content_type="application/x-www-form-urlencoded")
    clear_refusal(unsigned, 403)


@QUICK
@given(payload=st.one_of(st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=50), st.integers())),
                         st.lists(st.integers(), max_size=5)),
       plain=texts, kind=st.sampled_from(["json", "text/plain", "application/xml", "multipart-nofile"]))
def test_sms_wrong_content_type(client, payload, plain, kind):
    """A body that is not a form has no form fields: signed over none, it is a text without From or Body."""
    if kind == "json":
        kwargs = {"json": payload}
    elif kind == "multipart-nofile":
        kwargs = {"data": plain.encode("utf-8"), "content_type": "multipart/form-data; boundary=zzz"}
    else:
        kwargs = {"data": plain.encode("utf-8"), "content_type": kind}
    root = twiml(post(client, "/sms", {}, **kwargs))
    if root.find("Message") is not None:
        check_sms_text(root.find("Message").text)
    clear_refusal(client.post("/sms", **kwargs), 403)
    wrongly = post(client, "/sms", {"Body": "help"}, **kwargs)  # signed over fields that were not sent
    clear_refusal(wrongly, 403)


@QUICK
@given(size=st.integers(LIMIT + 1, 3 * LIMIT), path=st.sampled_from(ROUTES))
def test_bodies_over_the_limit(client, size, path):
    form = {"From": fresh_sender(), "Body": "a" * size}
    clear_refusal(post(client, path, form), 413)  # signed: refused before anything reads it
    clear_refusal(client.post(path, data=form, headers={"X-Twilio-Signature": "bogus"}), 413)
    clear_refusal(client.post(path, data=form), 403)  # no signature: refused without reading the body


def test_chunked_body_over_the_limit_is_refused(client):
    """Without a Content-Length Werkzeug stops reading at the limit (no 413): the cut-off fields no longer
    match their signature, so the request is refused all the same."""
    form = {"From": fresh_sender(), "Body": "a" * (LIMIT + 10), "MessageSid": fresh_sid()}
    response = client.post("/sms", input_stream=io.BytesIO(urlencode(form).encode()),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked", "X-Twilio-Signature": sign(BASE + "/sms", form)},
                           environ_overrides={"wsgi.input_terminated": True})  # as gunicorn passes chunked bodies
    clear_refusal(response, 403, 413)


@QUICK
@given(path=st.sampled_from(ROUTES), method=st.sampled_from(["GET", "PUT", "DELETE", "PATCH"]),
       query=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3))
def test_wrong_method(client, path, method, query):
    url = path + ("?" + urlencode(query) if query else "")
    response = client.open(url, method=method, headers={"X-Twilio-Signature": sign(BASE + url, {})})
    clear_refusal(response, 405)
    assert "POST" in response.headers["Allow"]


@FAST
@given(path=st.sampled_from(ROUTES), form=st.dictionaries(st.sampled_from(["Body", "From", "Digits", "x"]), texts,
                                                          max_size=3),
       signature=st.one_of(st.none(), st.text(max_size=40).map(lambda s: s.encode("utf-8").decode("latin-1"))
                           .filter(lambda s: "\r" not in s and "\n" not in s),  # a header cannot carry them
                           st.sampled_from(["wrong-token", "other-url", "other-params"])))
def test_bad_or_missing_signature(client, path, form, signature):
    headers = {}
    if signature == "wrong-token":
        headers["X-Twilio-Signature"] = sign(BASE + path, form, token="another-token")
    elif signature == "other-url":
        headers["X-Twilio-Signature"] = sign(BASE + "/elsewhere", form)
    elif signature == "other-params":
        headers["X-Twilio-Signature"] = sign(BASE + path, {**form, "Extra": "1"})
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    clear_refusal(client.post(path, data=form, headers=headers), 403)


def test_refusals_in_json_when_asked(client):
    response = client.post("/sms", data={"Body": "help"}, headers={"Accept": "application/json"})
    clear_refusal(response, 403)
    assert json.loads(response.data)["error"] == "Forbidden"
    clear_refusal(client.get("/nowhere"), 404)


def test_unconfigured_token_is_a_short_503_that_says_why(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": "",
                      "SECRET_KEY": "k", "SENDER_HASH_KEY": "h"})
    response = post(app.test_client(), "/sms", {"Body": "help"})
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert b"TWILIO_AUTH_TOKEN is not configured" in response.data
    app.extensions["store"].close()


# --- /voice ------------------------------------------------------------------------------------

query_values = st.one_of(st.sampled_from(["", "en", "es", "1", "3", "99999999999999999999", "-1", "national-hotline",
                                          "emergency-911", "x" * 5000, "9" * 5000]), st.text(max_size=30))
voice_forms = st.fixed_dictionaries({}, optional={
    "Digits": st.one_of(st.sampled_from(list("0123456789*#") + ["", "11", " 1 ", "١"]), st.text(max_size=20)),
    "SpeechResult": texts,
    "DialCallStatus": st.one_of(st.sampled_from(["completed", "answered", "busy", "no-answer", "failed",
                                                 "canceled", " COMPLETED "]), st.text(max_size=20)),
    "Confidence": st.text(max_size=10),
    "CallSid": st.text(max_size=40),
})


@FAST
@given(path=st.sampled_from(ROUTES[1:]), form=voice_forms,
       query=st.dictionaries(st.sampled_from(["lang", "round", "resource"]) | st.text(min_size=1, max_size=8),
                             query_values, max_size=4))
def test_voice_any_input(client, path, form, query):
    url = path + ("?" + urlencode(query, quote_via=quote) if query else "")
    talked = path == "/voice/dialed" and form.get("DialCallStatus", "").strip().lower() in menu.COMPLETED
    check_voice(twiml(post(client, url, form)), talked)


@QUICK
@given(query=st.text(min_size=1, max_size=40))
def test_voice_query_signed_as_sent(client, query):
    """Twilio signs the URL as it requested it: %-escapes in the query are not decoded first."""
    url = "/voice/choice?" + quote(query, safe="=&")
    check_voice(twiml(post(client, url, {"Digits": "1"})))


def test_query_signed_as_sent_behind_a_public_base_url(app_config):
    app = create_app({**app_config, "PUBLIC_BASE_URL": "https://helpline.example.org/"})
    url = "/voice/choice?lang=es&round=1&note=%7E%C3%A9%20%2B"
    form = {"Digits": "0"}
    response = app.test_client().post(url, data=form, headers={
        "X-Twilio-Signature": sign("https://helpline.example.org" + url, form)})
    check_voice(twiml(response))
    app.extensions["store"].close()


# --- anything at all ---------------------------------------------------------------------------

@FAST
@given(path=st.one_of(st.sampled_from(ROUTES + ("/healthz", "/console/", "/console/login", "/")),
                      st.text(max_size=20).map(lambda s: "/" + quote(s))),
       method=st.sampled_from(["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE"]),
       body=st.binary(max_size=2000),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain",
                                     "multipart/form-data", "multipart/form-data; boundary=x", ""]),
       signed=st.booleans())
def test_never_a_server_error(client, path, method, body, content_type, signed):
    headers = {"X-Twilio-Signature": sign(BASE + path, {})} if signed else {}
    response = client.open(path, method=method, data=body, content_type=content_type or None, headers=headers)
    assert response.status_code < 500, (response.status_code, response.data[:200])
    if response.status_code >= 400 and method != "HEAD":
        if path.startswith("/console") and response.mimetype == "text/html":  # staff get a page with a way back
            assert b'href="/console/"' in response.data, response.data[:200]
        else:
            clear_refusal(response, response.status_code)
