"""TwiML: a reply cut into the template once per app is the template rendered for that reply."""
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from flask import Flask

from bot.config import ROOT
from bot.web.twiml import twiml, twiml_around

app = Flask(__name__, template_folder=str(ROOT / "templates"))  # the bot's own templates, as create_app sets them

bodies = st.one_of(st.none(), st.just(""), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
                   st.sampled_from(["Fish & Chips <b>", "\"quoted\" 'single'", "]]>", "línea 24/7: (209) 948-1911"]))


@settings(max_examples=200, deadline=None)
@given(body=bodies)
def test_a_reply_cut_into_the_template_is_the_template_rendered(body):
    with app.test_request_context("/sms", method="POST"):
        fast = twiml_around("sms/reply.xml", "body", body)
        full = twiml("sms/reply.xml", body=body)
        assert fast.get_data() == full.get_data()
        assert fast.mimetype == full.mimetype == "text/xml"


def test_the_message_text_survives_xml():
    body = "A & B <c> \"d\" 'e'\nsecond line"
    with app.test_request_context("/sms", method="POST"):
        root = ET.fromstring(twiml_around("sms/reply.xml", "body", body).get_data())
    assert root.tag == "Response" and root.find("Message").text == body
