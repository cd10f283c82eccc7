"""bot/conversation/interpreters.py: one line in the texter's language with the national line's
number, then the English and Spanish essentials, within the segment limit."""
from __future__ import annotations

import pytest

from bot.conversation import interpreters, texting
from bot.conversation.segments import segments
from bot.phones import display
from bot.table.files import read_table
from bot.understanding.matching import Matcher
from conftest import DATA_DIR

TABLE = read_table(DATA_DIR)
MATCHER = Matcher(TABLE)
NATIONAL = display(TABLE.resources[TABLE.interpreting.resource].phone)


def test_vietnamese_gets_the_vietnamese_line():
    outcome = texting.answer(TABLE, MATCHER, "Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi", texting.SenderState())
    line = interpreters.line_for(TABLE, "vi").line.format(number=NATIONAL)
    assert outcome.language == "vi" and outcome.body.startswith(line)
    assert NATIONAL == "(888) 373-7888" and "(888) 373-7888" in outcome.body.splitlines()[0]
    assert "Call 911" in outcome.body and "Llame al 911" in outcome.body
    assert outcome.state.language is None  # not remembered as the sender's language


@pytest.mark.parametrize("code, what, reply", list(interpreters.every_reply(TABLE)))
def test_every_interpreter_reply(code, what, reply):
    assert reply.splitlines()[0] == interpreters.line_for(TABLE, code).line.format(number=NATIONAL)
    assert "(209) 948-1911" in reply and "(888) 373-7888" in reply and "911" in reply
    assert segments(reply) <= TABLE.interpreting.max_segments, what
    assert "trafficking" not in reply.lower() and "trata" not in reply.lower()


def test_the_console_lists_unreviewed_lines():
    assert {line.code for line in interpreters.unreviewed(TABLE)} == {"vi", "tl", "pa", "hmn", "km", "zh", "zh-hant", "ar", "pt"}


def test_a_topic_in_english_wins_over_another_language():
    outcome = texting.answer(TABLE, MATCHER, "Tôi cần help", texting.SenderState())
    assert outcome.language == "en" and outcome.topics == ("HOTLINE",)


def test_a_hmong_sentence_of_common_words_gets_the_hmong_line():
    text = "Kuv xav tau kev pab, kuv tus thawj coj muab kuv daim ntawv hla tebchaws khaws lawm."
    outcome = texting.answer(TABLE, MATCHER, text, texting.SenderState())
    assert outcome.language == "hmn"
    assert outcome.body.startswith(interpreters.line_for(TABLE, "hmn").line.format(number=NATIONAL))


@pytest.mark.parametrize("text", ["sii", "nel", "sipi", "simón"])
def test_short_spanish_answers_get_the_spanish_menu(text):
    outcome = texting.answer(TABLE, MATCHER, text, texting.SenderState())
    assert outcome.language == "es" and outcome.topics == ()
    assert outcome.body.startswith("Escriba ")
