"""bot/understanding/language_id.py: other languages recognized; English, Spanish, short and mixed
texts never leave them."""
from __future__ import annotations

import copy

import pytest

from bot.table.files import read_docs, read_table
from bot.table.load import DataError, build_table
from bot.understanding.language_id import identify
from bot.understanding.understander import Understander
from conftest import DATA_DIR

TABLE = read_table(DATA_DIR)


@pytest.mark.parametrize("text, code", [
    ("Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi", "vi"),
    ("Kailangan ko ng tulong, kinuha ng amo ko ang pasaporte ko", "tl"),
    ("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", "pa"),
    ("kuv xav tau kev pab", "hmn"),
    ("ខ្ញុំត្រូវការជំនួយ", "km"),
    ("我需要帮助，老板拿走了我的护照", "zh"),
    ("أحتاج مساعدة، صاحب العمل أخذ جواز سفري", "ar"),
    ("Preciso de ajuda, meu patrão ficou com meu passaporte", "pt"),
])
def test_other_languages(text, code):
    assert identify(TABLE.interpreting, text) == code


@pytest.mark.parametrize("text", ["hi", "ok", "OK gracias", "lol", "?", "911", "hello there", "thank you so much",
                                  "necesito help please", "quiero ayuda", "where can I sleep tonight", "no se",
                                  "tengo miedo y no puedo salir", "my boss took my passport", "",
                                  "0:À", "\U0001F198"])
def test_english_spanish_and_short_texts_stay(text):
    assert identify(TABLE.interpreting, text) is None


@pytest.mark.parametrize("text", ["haha no its ok", "ok cool thx", "omg thank u sooo much", "ya entendi gracias",
                                  "bueno pues ok", "lol jk wrong number sorry"])
def test_texts_mostly_of_the_bots_own_words_stay(text):
    known = Understander(TABLE, None).words
    assert identify(TABLE.interpreting, text, known=known) is None


@pytest.mark.parametrize("text, code", [
    ("Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi", "vi"),
    ("Kailangan ko ng tulong, kinuha ng amo ko ang pasaporte ko", "tl"),
    ("Preciso de ajuda, meu patrão ficou com meu passaporte", "pt"),
])
def test_own_words_do_not_hide_another_language(text, code):
    assert identify(TABLE.interpreting, text, known=Understander(TABLE, None).words) == code


@pytest.mark.parametrize("text", ["ajuda", "Obrigada!", "não, obrigada"])
def test_words_of_another_language_alone_are_in_it(text):
    """A text of nothing but a line's own words is in its language, though "ajuda" looks like "ayuda"."""
    assert identify(TABLE.interpreting, text, known=Understander(TABLE, None).words) == "pt"


@pytest.mark.parametrize("text, code", [("請幫助我，我的老闆拿走了我的護照", "zh-hant"),
                                        ("请帮助我，我的老板拿走了我的护照", "zh"),
                                        ("你好，我需要帮忙", "zh")])
def test_traditional_characters_get_the_traditional_line(text, code):
    assert identify(TABLE.interpreting, text) == code


def test_a_writing_needs_lingua_beside_it():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["interpreters.yaml"]["lines"][0]["detect"] = {"script": "HAN", "writing": "traditional"}
    docs["interpreters.yaml"]["lines"][1]["detect"] = {"lingua": "TAGALOG", "writing": "cursive"}
    with pytest.raises(DataError) as error:
        build_table(docs)
    assert str(error.value).count("writing is one of traditional, simplified") == 2


def test_lingua_must_be_sure():
    """Romanized Punjabi, which lingua only half knows, is not read as Portuguese; a text with topics
    leaves English and Spanish only when lingua is all but certain, as it is of real Portuguese."""
    assert identify(TABLE.interpreting, "mainu madad chahidi hai") is None
    assert identify(TABLE.interpreting, "mainu madad chahidi hai", confidence=0.8) == "pt"
    text = "Preciso de ajuda, meu patrão ficou com meu passaporte"
    assert identify(TABLE.interpreting, text, confidence=0.99) == "pt"


def test_lines_need_a_number_placeholder_and_a_way_to_detect():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["interpreters.yaml"]["lines"][0]["line"] = "Gọi (888) 373-7888"
    docs["interpreters.yaml"]["lines"][1]["detect"] = {}
    docs["interpreters.yaml"]["lines"][2]["reviewed"] = "yes"
    with pytest.raises(DataError) as error:
        build_table(docs)
    message = str(error.value)
    assert "{number}" in message and "detect" in message and "reviewed" in message


def test_an_interpreter_line_is_data_only():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["interpreters.yaml"]["lines"].append({"code": "lo", "name": "Lao", "detect": {"script": "LAO"},
                                               "line": "ໂທ {number}", "reviewed": False})
    table = build_table(docs)
    assert identify(table.interpreting, "ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ") == "lo"
