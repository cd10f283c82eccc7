"""The texting decision (opt-out, language memory), tested directly without an app."""
import pytest

from bot.table.files import read_table
from bot.understanding.matching import Matcher
from bot.conversation.texting import SenderState, answer
from conftest import DATA_DIR


@pytest.fixture(scope="module")
def table():
    return read_table(DATA_DIR)


@pytest.fixture(scope="module")
def matcher(table):
    return Matcher(table)


def test_stop_opts_out_without_a_reply(table, matcher):
    outcome = answer(table, matcher, " Stop ", SenderState(language="es"))
    assert outcome.body is None
    assert outcome.state == SenderState(language="es", opted_out=True)


def test_opted_out_sender_gets_nothing(table, matcher):
    outcome = answer(table, matcher, "help", SenderState(opted_out=True))
    assert outcome.body is None and outcome.state.opted_out


def test_start_opts_back_in_with_the_start_topic(table, matcher):
    outcome = answer(table, matcher, "UNSTOP", SenderState(language="es", opted_out=True))
    assert not outcome.state.opted_out
    assert outcome.topics == (table.start_topic,)
    assert "¿En peligro? Llame al 911." in outcome.body


def test_neutral_text_keeps_the_remembered_language(table, matcher):
    outcome = answer(table, matcher, "911", SenderState(language="es"))
    assert outcome.language == "es" and outcome.state.language == "es"
    assert outcome.topics == ("DANGER",)


def test_clear_text_updates_the_language(table, matcher):
    outcome = answer(table, matcher, "necesito refugio", SenderState(language="en"))
    assert outcome.language == "es" and outcome.state.language == "es"


def test_forced_language(table, matcher):
    outcome = answer(table, matcher, "help", SenderState(), language="es")
    assert outcome.language == "es"
    assert outcome.state.language == "en"  # what the sender wrote is still remembered
