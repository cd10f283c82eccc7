"""flask fallback-twiml OUTDIR: static TwiML for Twilio's fallback URLs, from the current table."""
import xml.etree.ElementTree as ET


from bot import create_app
from bot.phones import display
from bot.store import get_store
from bot.table.load_reach import forbidden_in

TWIML_VERBS = {"Say", "Pause", "Dial", "Hangup", "Message"}


def write(runner, outdir):
    """Run the command; the parsed sms.xml and voice.xml."""
    result = runner.invoke(args=["fallback-twiml", str(outdir)])
    assert result.exit_code == 0, result.output
    return ET.parse(outdir / "sms.xml").getroot(), ET.parse(outdir / "voice.xml").getroot()


def table(app):
    with app.app_context():
        return get_store().snapshot().table


def always_open_numbers(table):
    """The 24/7 lines' numbers as written in replies: "(209) 948-1911"."""
    return {display(r.phone) for r in table.lines_24_7()}


def said(root) -> str:
    return " ".join("".join(s.itertext()) for s in root.iter("Say"))


def needs_no_server(root):
    """No verb that fetches a URL: no action, no Redirect, no Gather, no url attributes."""
    for element in root.iter():
        assert element.tag not in {"Redirect", "Gather", "Play", "Enqueue"}, element.tag
        assert not {"action", "url", "statusCallback"} & set(element.attrib), element.attrib
    for verb in root:
        assert verb.tag in TWIML_VERBS, verb.tag


def test_writes_both_files_and_says_where(runner, tmp_path):
    outdir = tmp_path / "fallback" / "new"  # made if missing
    result = runner.invoke(args=["fallback-twiml", str(outdir)])
    assert result.exit_code == 0, result.output
    assert str((outdir / "sms.xml").resolve()) in result.output
    assert str((outdir / "voice.xml").resolve()) in result.output
    assert sorted(p.name for p in outdir.iterdir()) == ["sms.xml", "voice.xml"]  # no temporary files left
    for name in ("sms.xml", "voice.xml"):
        assert (outdir / name).read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_sms_file_gives_the_numbers_and_911_in_each_language_in_neutral_words(app, runner, tmp_path):
    sms, _ = write(runner, tmp_path)
    assert sms.tag == "Response"
    needs_no_server(sms)
    messages = [m.text for m in sms.findall("Message")]
    t = table(app)
    assert len(messages) == len(t.languages)  # the Spanish reply fits, so it is sent too
    for body, language in zip(messages, t.languages):
        assert "911" in body
        assert any(number in body for number in always_open_numbers(t))
        assert t.discreet.messages[language]["danger"] in body  # it may reach a watched phone: discreet wording
        assert t.discreet.messages[language]["automated"] in body
        assert forbidden_in(t.discreet, language, body) == []


def test_voice_file_warns_reads_the_24_7_lines_and_dials_the_fallback(app, runner, tmp_path):
    _, voice = write(runner, tmp_path)
    assert voice.tag == "Response"
    needs_no_server(voice)
    t = table(app)
    text = said(voice)
    for language in t.languages:
        assert t.prompts["danger"][language] in text
    assert [v.tag for v in voice][:1] == ["Say"]  # the danger prompt comes first
    assert t.prompts["danger"][t.default_language] in "".join(voice[0].itertext())
    dials = voice.findall("Dial")
    assert [d.text for d in dials] == [t.resources[t.fallback].phone]
    verbs = list(voice)
    before_dial = verbs[: verbs.index(dials[0])]
    spoken = [e.text for v in before_dial for e in v.iter("say-as")]  # each 24/7 line is read before the Dial
    for number in always_open_numbers(t):
        assert number in spoken
    assert verbs[-1].tag == "Hangup"
    for language in t.languages:  # overheard on a watched phone, it names no subject either
        assert forbidden_in(t.discreet, language, text) == []


def test_numbers_come_from_the_table_in_the_database(app, runner, data_copy, tmp_path):
    before_sms, before_voice = write(runner, tmp_path / "before")
    path = data_copy / "resources.yaml"
    text = path.read_text()
    text = text.replace("phone: (888) 373-7888", "phone: (888) 373-7889")  # the fallback line
    text = text.replace("phone: (209) 948-1911", "phone: (209) 948-1912")
    path.write_text(text)
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    sms, voice = write(runner, tmp_path / "after")  # data/ itself is unchanged: the database's table is used
    for root in (sms, voice):
        xml = ET.tostring(root, encoding="unicode")
        assert "(888) 373-7889" in xml and "(209) 948-1912" in xml
        assert "(888) 373-7888" not in xml and "(209) 948-1911" not in xml
    assert voice.find("Dial").text == "+18883737889"
    assert before_voice.find("Dial").text == "+18883737888"
    assert "(209) 948-1911" in ET.tostring(before_sms, encoding="unicode")


def test_a_changed_fallback_line_is_dialed(app, runner, data_copy, tmp_path):
    path = data_copy / "menu.yaml"
    path.write_text(path.read_text().replace("fallback: national-hotline", "fallback: womens-center-hotline"))
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    _, voice = write(runner, tmp_path)
    assert voice.find("Dial").text == "+12099481911"


def test_outdir_that_is_a_file_is_refused(runner, tmp_path):
    target = tmp_path / "taken"
    target.write_text("")
    result = runner.invoke(args=["fallback-twiml", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == ""


def test_database_down_builds_from_data_and_says_so(app_config, tmp_path):
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'helpline.db'}"})
    outdir = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["fallback-twiml", str(outdir)])
    assert result.exit_code == 0, result.output
    assert "the database did not answer" in result.output
    sms = ET.parse(outdir / "sms.xml").getroot()
    assert any(n in sms.find("Message").text for n in always_open_numbers(table(app)))
    app.extensions["store"].close()
