"""bot/conversation/discreet.py: what turns discreet replies on and off, and every discreet reply
checked against the forbidden-word list of data/discreet.yaml, the 24/7 numbers and 911."""
from __future__ import annotations

import copy

import pytest

from bot.conversation import discreet, texting
from bot.conversation.segments import segments
from bot.review import gate
from bot.table.files import read_docs, read_table
from bot.table.load_reach import forbidden_in
from bot.table.load import DataError, build_table
from bot.understanding.understander import Understander
from conftest import DATA_DIR

TABLE = read_table(DATA_DIR)
MATCHER = Understander(TABLE, None)  # the table's exact phrases and examples, without a trained model
ALWAYS_OPEN = TABLE.lines_24_7()


def displayed(resource) -> str:
    """"(209) 948-1911"."""
    from bot.phones import display
    return display(resource.phone)


@pytest.mark.parametrize("text", ["he reads my texts", "My boss CHECKS MY PHONE every night",
                                  "revisa mi celular", "él lee mis mensajes"])
def test_a_watched_phone_turns_it_on(text):
    outcome = texting.answer(TABLE, MATCHER, text, texting.SenderState())
    assert outcome.state.discreet and discreet.turned(TABLE, text) is None  # understood, not the keyword


@pytest.mark.parametrize("text, language", [("quiet", "en"), (" Discreto! ", "es"), ("discreto por favor", "es"),
                                            ("QUIET pls", "en"), ("modo discreto, gracias", "es"),
                                            ("discrteo", "es")])
def test_the_card_keyword_alone_or_in_a_few_words_turns_it_on_in_its_language(text, language):
    assert discreet.turned(TABLE, text) is True
    outcome = texting.answer(TABLE, MATCHER, text, texting.SenderState(language="en"))
    assert outcome.state.discreet and outcome.language == language == outcome.state.language


@pytest.mark.parametrize("text", ["help", "I read the news", "I need a quiet place to stay tonight",
                                  "normal please", "stop", "quite"])
def test_other_texts_change_nothing(text):
    assert discreet.turned(TABLE, text) is None


def test_normal_turns_it_off():
    assert discreet.turned(TABLE, "NORMAL") is False


@pytest.mark.parametrize("language, what, topics, reply", list(discreet.every_reply(TABLE)))
def test_every_discreet_reply_is_safe(language, what, topics, reply):
    assert not forbidden_in(TABLE.discreet, language, reply), (what, reply)
    for words in TABLE.discreet.forbidden.values():  # no forbidden word of any language either
        assert not [w for w in words if f" {w.lower()} " in f" {reply.lower()} "], (what, reply)
    assert any(displayed(r) in reply for r in ALWAYS_OPEN), what
    assert TABLE.discreet.messages[language]["danger"] in reply and "911" in reply
    assert TABLE.discreet.messages[language]["delete"] in reply
    assert segments(reply) <= TABLE.languages[language].max_segments, what


def test_the_forbidden_check_sees_a_forbidden_word():
    assert forbidden_in(TABLE.discreet, "en", "Human Trafficking hotline") == ["trafficking"]
    assert forbidden_in(TABLE.discreet, "es", "Ayuda para víctimas de la trata") == ["trata", "víctimas"] or \
        set(forbidden_in(TABLE.discreet, "es", "Ayuda para víctimas de la trata")) == {"trata", "víctimas"}


def test_a_forbidden_word_in_the_wording_is_refused():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["discreet.yaml"]["names"]["national-hotline"]["en"] = "National Human Trafficking Hotline"
    with pytest.raises(DataError, match="forbidden word 'trafficking'"):
        build_table(docs)


def test_every_topic_and_resource_needs_a_discreet_form():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    del docs["discreet.yaml"]["intros"]["HOUSING"]
    del docs["discreet.yaml"]["names"]["chest-of-hope-helpline"]
    with pytest.raises(DataError) as error:
        build_table(docs)
    assert "intros.HOUSING" in str(error.value) and "names.chest-of-hope-helpline" in str(error.value)


@pytest.mark.parametrize("word", ["HELP", "info", "housing", "quiet please"])
def test_the_card_keyword_is_one_word_no_topic_has(word):
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["discreet.yaml"]["keyword"]["en"] = word
    with pytest.raises(DataError, match="keyword"):
        build_table(docs)


@pytest.mark.parametrize("word", ["stop", "STOPALL", "yes", "Start"])
def test_the_card_keyword_is_not_swallowed_by_twilio(word):
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["discreet.yaml"]["keyword"]["en"] = word
    assert [str(p) for p in gate.problems(build_table(docs))] == [
        f"discreet.yaml: keyword: {word!r} (en) is a keyword Twilio answers itself"]


def test_he_reads_my_texts_then_help():
    first = texting.answer(TABLE, MATCHER, "he reads my texts", texting.SenderState())
    assert first.state.discreet
    second = texting.answer(TABLE, MATCHER, "help", first.state)
    assert second.state.discreet and "HOTLINE" in second.topics
    for reply in (first.body, second.body):
        assert "(209) 948-1911" in reply and "911" in reply
        assert "trafficking" not in reply.lower() and "victim" not in reply.lower()
    plain = texting.answer(TABLE, MATCHER, "HOTLINE", texting.SenderState())
    assert forbidden_in(TABLE.discreet, "en", plain.body)  # without discreet replies, the subject is named


def test_discreet_stays_through_stop_and_start_until_normal():
    state = texting.answer(TABLE, MATCHER, "revisa mi celular", texting.SenderState()).state
    assert state.discreet and state.language == "es"
    state = texting.answer(TABLE, MATCHER, "STOP", state).state
    back = texting.answer(TABLE, MATCHER, "START", state)
    assert back.state.discreet and "trata" not in back.body.lower()
    off = texting.answer(TABLE, MATCHER, "normal", back.state)
    assert not off.state.discreet
    assert TABLE.discreet.messages["es"]["delete"] not in texting.answer(TABLE, MATCHER, "AYUDA", off.state).body


@pytest.mark.parametrize("text, language", [("chest of hope", "en"), ("el numero de chest of hope", "es")])
def test_a_named_line_gets_its_number_in_discreet_wording(text, language):
    state = texting.SenderState(language=language, discreet=True)
    outcome = texting.answer(TABLE, MATCHER, text, state)
    line = discreet.line(TABLE, TABLE.resources["chest-of-hope-helpline"], language)
    assert outcome.body.splitlines()[0] == line and outcome.language == language
    assert not forbidden_in(TABLE.discreet, language, outcome.body)


def test_unknown_state_is_answered_discreetly_in_the_table_wording():
    """What the inbox does when the database cannot say who is watched: the discreet reply."""
    outcome = texting.answer(TABLE, MATCHER, "I need a place to stay", texting.SenderState(discreet=True))
    assert TABLE.discreet.messages["en"]["delete"] in outcome.body
    assert not forbidden_in(TABLE.discreet, "en", outcome.body)


@pytest.mark.parametrize("lang, intro", [
    ("en", "Confidential; not police or immigration:"), ("en", "Worried about ICE or your visa?"),
    ("en", "Afraid they will deport you?"), ("es", "Confidencial; no es policía ni migración:"),
    ("es", "¿Miedo a la migra?"), ("es", "¿Le pueden deportar?"), ("es", "Sin inmigración ni visa:")])
def test_discreet_wording_names_no_police_immigration_visa_or_deportation(lang, intro):
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["discreet.yaml"]["intros"]["CONFIDENTIAL"][lang] = intro
    with pytest.raises(DataError, match=f"intros.CONFIDENTIAL: \\({lang}\\) uses the forbidden word"):
        build_table(docs)
