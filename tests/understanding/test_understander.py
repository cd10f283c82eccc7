"""Understanding a text on the default table: examples exactly, keywords, the model, safety, language."""
import dataclasses

import pytest

from bot.store.snapshots import build
from bot.table.files import read_table
from bot.table.model import Example
from bot.text import normalize
from bot.understanding.understander import explain
from conftest import DATA_DIR

MODELS = DATA_DIR.parent / "instance" / "models"


@pytest.fixture(scope="module")
def table():
    return read_table(DATA_DIR)


@pytest.fixture(scope="module")
def understander(table):
    return build(table, None, None, MODELS, wait=True).understander


def test_elongated_letters_are_one():
    assert normalize("AYUDAAAA!!") == "ayuda" and normalize("helllp me") == "help me"
    assert normalize("llamar") == "llamar"  # a double letter stays


@pytest.mark.parametrize("text, language", [
    ("hablo español e ingles", "es"),  # a switch word inside a sentence does not switch
    ("gracias", "es"),
    ("español", "es"),
    ("english please", "en"),
])
def test_language_from_the_whole_text(understander, text, language):
    assert understander.match(text).language == language


def test_switch_only_when_asked(understander):
    assert understander.match("hablo español e ingles").switch is None
    assert understander.match("Español").switch == "es"


@pytest.mark.parametrize("text", ["?", "👍", "..."])
def test_no_words_no_language(understander, text):
    match = understander.match(text)
    assert match.language is None and match.topics == ()


@pytest.mark.parametrize("text, topic", [
    ("mi jefe tiene mi pasaporte", "HOTLINE"),
    ("me tienen encerrada ayudaaaa", "DANGER"),
    ("is this confidential? do i have to give my name", "CONFIDENTIAL"),
    ("my neighbor's crew never gets paid, who do i tell", "REPORT"),
])
def test_free_text_gets_its_topic(understander, text, topic):
    assert topic in understander.match(text).topics


def test_a_minor_in_commercial_sex_always_gets_hotline(table):
    bare = build(dataclasses.replace(table, examples=()), None, None, None, wait=False).understander  # no model at all
    match = bare.match("im 16 and my bf makes me sleep with men for money")
    assert "HOTLINE" in match.topics and "HOUSING" not in match.topics


@pytest.mark.parametrize("text", ["HELP", "help!!", "Ayúdame", "auxilio"])
def test_a_bare_cry_for_help_gets_danger_first(understander, text):
    assert understander.match(text).topics[0] == "DANGER"


def test_an_example_gets_its_own_topics_exactly(table):
    text = "The blue heron left at dawn"
    taught = dataclasses.replace(table, examples=table.examples + (Example(text, "en", ("REPORT",)),))
    stale = build(taught, None, None, None, wait=False).understander  # no model trained for it yet
    match = stale.match("the blue HERON left at dawn!!")
    assert match.topics == ("REPORT",) and match.example
    assert explain(match) == ["this exact text is an example of: REPORT"]


def test_explain_names_keywords_and_scores(understander):
    lines = explain(understander.match("i need a shelter, my boss took my passport"))
    assert any(line.startswith("keyword 'shelter' -> HOUSING") for line in lines)
    assert any(line.startswith("model HOTLINE") for line in lines)


def test_a_reading_is_remembered_per_snapshot_and_bounded(table, understander):
    from bot.understanding.understander import REMEMBERED_TEXTS
    first = understander.match("Mi jefe tiene mi PASAPORTE!!")
    assert understander.match("mi jefe tiene mi pasaporte") is first  # the same normalized text: read once
    assert first == understander._read(normalize("mi jefe tiene mi pasaporte"))  # as if read afresh
    assert understander.read.cache_info().maxsize == REMEMBERED_TEXTS
    text = "the blue heron left at dawn"
    assert understander.match(text).topics != ("REPORT",)
    taught = dataclasses.replace(table, examples=table.examples + (Example(text, "en", ("REPORT",)),))
    assert build(taught, None, None, None, wait=False).understander.match(text).topics == ("REPORT",)  # a new table
    assert understander.match(text).topics != ("REPORT",)  # the old snapshot's memory is its own


@pytest.mark.parametrize("long", ["¡Ayúdaaame, por favor! " * 40,
                                  "my boss in lodi took my passport and says i owe him 3000"])
def test_only_short_texts_are_remembered(understander, long):
    from bot import text as normalizing
    kept = normalizing._remembered.cache_info().currsize, understander.read.cache_info().currsize
    assert normalize(long) == normalizing._normalize(long) and understander.match(long).topics
    assert (normalizing._remembered.cache_info().currsize, understander.read.cache_info().currsize) == kept  # a story is not kept


@pytest.mark.parametrize("text", ["my boyfriend be going thru my cell every nite", "mi viejo siempre me esculca el cel",
                                  "she reads every text i get", "el patron nos checa los whats a todos",
                                  "i think he can see my screen from the couch", "este cel no es mio, es de el"])
def test_a_watched_phone_is_understood_beyond_the_examples(understander, text):
    match = understander.match(text)
    assert match.watched and not match.example, explain(match)


@pytest.mark.parametrize("text", ["what number do i call", "i need a place to sleep tonight", "mi jefe no me paga",
                                  "whats the number for the shelter", "i got a new phone number"])
def test_other_texts_are_not_a_watched_phone(understander, text):
    assert not understander.match(text).watched


@pytest.mark.parametrize("text, line, language", [
    ("chest of hope", "chest-of-hope-helpline", None),
    ("el numero del women's center", "womens-center-hotline", "es"),
    ("linea nacinal", "national-hotline", "es"),
    ("national hotline pls", "national-hotline", "en"),
])
def test_a_named_line_is_found_with_a_typo(understander, text, line, language):
    match = understander.match(text)
    assert match.details == (line,)
    assert language is None or match.language == language
