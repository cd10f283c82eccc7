"""Matching text to topics, tested directly on the default table (no app)."""
import pytest

from bot.table.files import read_table
from bot.understanding.matching import Matcher
from bot.text import normalize
from conftest import DATA_DIR


@pytest.fixture(scope="module")
def matcher():
    return Matcher(read_table(DATA_DIR))


@pytest.mark.parametrize("text, topics, language", [
    # plain keywords, any case, accents and punctuation
    ("help", ("HOTLINE",), "en"),
    ("HELP!!!", ("HOTLINE",), "en"),
    ("Help.", ("HOTLINE",), "en"),
    ("ayuda", ("HOTLINE",), "es"),
    ("¡Ayúdame!", ("HOTLINE",), "es"),
    ("AYUDA por favor", ("HOTLINE",), "es"),
    ("hotline", ("HOTLINE",), None),  # the same word in both languages
    ("info", ("INFO",), None),
    ("información", ("INFO",), "es"),
    ("911", ("DANGER",), None),
    # phrases, anywhere in the message
    ("I need a place to stay", ("HOUSING",), "en"),
    ("hi, do you know a place to stay tonight?", ("HOUSING",), "en"),
    ("¿Dónde puedo dormir?", ("HOUSING",), "es"),
    ("necesito un lugar para dormir", ("HOUSING",), "es"),
    ("my boss took my passport", ("HOTLINE",), "en"),
    ("no me dejan salir", ("HOTLINE",), "es"),
    ("what is the task force", ("INFO",), "en"),
    # typos in words of 5+ letters
    ("hotlne", ("HOTLINE",), None),
    ("shleter", ("HOUSING",), "en"),
    ("I need shelterr", ("HOUSING",), "en"),
    ("traficking", ("HOTLINE",), "en"),
    ("albergeu", ("HOUSING",), "es"),
    # several topics: most urgent first
    ("I am in danger and need a shelter", ("DANGER", "HOUSING"), "en"),
    ("help, info", ("HOTLINE", "INFO"), "en"),
    ("peligro, necesito refugio", ("DANGER", "HOUSING"), "es"),
    # no match
    ("xyz", (), None),
    ("", (), None),
    ("?", (), None),
    ("\U0001F62D\U0001F64F", (), None),
    ("hello", (), "en"),
    ("hola", (), "es"),
    # "stop" inside a sentence is just a word
    ("please make him stop", (), "en"),
])
def test_phrasings(matcher, text, topics, language):
    match = matcher.match(text)
    assert match.topics == topics
    assert match.language == language


@pytest.mark.parametrize("text", [
    "hep", "hlp", "bed", "stay", "hi", "ok", "yes", "no", "thanks", "the end",
    "treat", "house", "places", "policy", "housewife", "dinner",
])
def test_no_false_matches(matcher, text):
    assert matcher.match(text).topics == ()


@pytest.mark.parametrize("text, language", [
    ("ESPAÑOL", "es"), ("espanol", "es"), ("Spanish", "es"), ("english", "en"), ("Inglés", "en"),
])
def test_language_switch(matcher, text, language):
    match = matcher.match(text)
    assert match.switch == language
    assert match.language == language


def test_mixed_languages_are_not_clearly_one(matcher):
    assert matcher.match("help ayuda").language is None


def test_normalize():
    assert normalize("  ¿Dónde  está?! ") == "donde esta"
    assert normalize("can't") == normalize("cant") == "cant"
    assert normalize("Ñandú") == "nandu"


def test_long_message_still_matches(matcher):
    text = ("blah " * 300) + "shelter"
    assert matcher.match(text).topics == ("HOUSING",)
