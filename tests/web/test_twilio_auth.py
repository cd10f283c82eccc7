"""The signature check: the same verdict as twilio's RequestValidator, and the URL Twilio requested."""
import pytest
from flask import Flask, request
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.web.twilio_auth import public_url, signed_by_twilio

TOKEN = "hypothesis-auth-token"
VALIDATOR = RequestValidator(TOKEN)
hosts = st.sampled_from(["example.org", "example.org:443", "example.org:80", "127.0.0.1:8000", "bot.example.org:8443"])
urls = st.builds(lambda scheme, host, path, query: f"{scheme}://{host}{path}{query}",
                 st.sampled_from(["http", "https"]), hosts, st.sampled_from(["/sms", "/voice/choice", "/a/b"]),
                 st.sampled_from(["", "?lang=es", "?lang=es&round=2", "?x=%C3%A9"]))
forms = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=12)), max_size=6).map(MultiDict)


@settings(max_examples=300, deadline=None)
@given(url=urls, signed_url=urls, form=forms, other=forms, garbage=st.text(max_size=30))
def test_the_same_verdict_as_request_validator(url, signed_url, form, other, garbage):
    for signature in (VALIDATOR.compute_signature(signed_url, form), VALIDATOR.compute_signature(url, other),
                      VALIDATOR.compute_signature(url, form), garbage):
        assert signed_by_twilio(VALIDATOR, url, form, signature) == VALIDATOR.validate(url, form, signature)


def test_a_signature_with_the_default_port_still_counts():
    form = MultiDict({"Body": "help", "From": "+12095550100"})
    signature = VALIDATOR.compute_signature("https://example.org:443/sms", form)
    assert signed_by_twilio(VALIDATOR, "https://example.org/sms", form, signature)
    assert not signed_by_twilio(VALIDATOR, "https://example.org/sms", MultiDict({"Body": "help"}), signature)


@pytest.mark.parametrize("base, prefix, environ", [
    ("http://localhost", None, {}),
    ("http://127.0.0.1:8000", None, {}),
    ("http://127.0.0.1:8000", "/helpline", {}),
    ("http://127.0.0.1:8000", None, {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "bot.example.org"}),
    ("http://127.0.0.1:8000", "/deep/er", {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "h.example:8443",
                                           "HTTP_X_FORWARDED_PREFIX": "/deep/er"}),
])
@pytest.mark.parametrize("path", ["/sms", "/voice/choice?lang=es&round=2"])
def test_the_url_twilio_requested_is_the_requests_own(base, prefix, environ, path):
    app = Flask(__name__)
    app.config["PUBLIC_BASE_URL"] = ""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1, x_prefix=1)
    captured = {}

    @app.post("/<path:anything>")
    def view(anything):
        captured["ours"], captured["werkzeug"] = public_url(), request.base_url
        query = request.query_string.decode()
        captured["werkzeug"] += f"?{query}" if query else ""
        return ""

    client = app.test_client()
    client.post(path, base_url=base + (prefix or ""), environ_overrides=environ)
    assert captured["ours"] == captured["werkzeug"]
