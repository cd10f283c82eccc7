"""bot/conversation/callsim.py: a call walked without a phone, with or without the numbers by text."""
import copy
from dataclasses import replace

import pytest

from bot.conversation import callsim
from bot.table.load import build_table
from bot.understanding.matching import Matcher


@pytest.fixture(scope="module")
def table(pristine):
    return build_table(copy.deepcopy(pristine))


@pytest.fixture(scope="module")
def walk(table):
    matcher = Matcher(table)
    return lambda *actions, **kw: callsim.walk(table, matcher, actions, **kw)


def heard(turn) -> str:
    """Everything heard in one turn."""
    return " ".join(text for _, text in callsim.heard(turn.step))


def text_key(table) -> str:
    """The key of the menu's "numbers by text" option."""
    return next(o.key for o in table.menu if o.action == "text")


def always_open(table) -> list[str]:
    """The 24/7 numbers as the caller hears them."""
    return [callsim.Phone(r.phone).display for r in table.lines_24_7()]


def test_a_mobile_caller_is_offered_the_text_and_confirms_it(table, walk):
    key = text_key(table)
    offer = next(o for o in table.menu if o.action == "text").prompt["en"]
    start, confirm, sent = walk(key, "1", texts=True)
    assert offer in heard(start)
    assert confirm.step.kind == "confirm" and table.prompts["text_confirm"]["en"] in heard(confirm)
    assert "confirm" in callsim.outcome(confirm.step)
    assert sent.step.kind == "menu" and table.prompts["text_sent"]["en"] in heard(sent)


def test_a_refused_text_reads_the_numbers(table, walk):
    turns = walk(text_key(table), "text=failed", texts=True)
    said = heard(turns[-1])
    assert table.prompts["text_failed"]["en"] in said and all(n in said for n in always_open(table))


def test_a_text_past_the_callers_limit_says_it_was_sent_already_and_reads_the_numbers(table, walk):
    said = heard(walk(text_key(table), "text=limited", texts=True)[-1])
    assert table.prompts["text_already_sent"]["en"] in said and table.prompts["text_failed"]["en"] not in said
    assert all(n in said for n in always_open(table))


def test_a_table_without_the_already_sent_prompt_says_it_could_not_be_sent(table, walk):
    prompts = {k: v for k, v in table.prompts.items() if k != "text_already_sent"}
    turns = callsim.walk(replace(table, prompts=prompts), Matcher(table), [text_key(table), "text=limited"], texts=True)
    said = heard(turns[-1])
    assert table.prompts["text_failed"]["en"] in said and all(n in said for n in always_open(table))


def test_any_other_key_at_the_confirmation_goes_back_to_the_menu(table, walk):
    turns = walk(text_key(table), "2", texts=True)
    assert turns[-1].step.kind == "menu" and table.prompts["text_sent"]["en"] not in heard(turns[-1])


def test_without_texts_the_option_is_not_there(table, walk):
    offer = next(o for o in table.menu if o.action == "text").prompt["en"]
    start, after = walk(text_key(table))
    assert offer not in heard(start) and after.step.kind != "confirm"


def test_the_outcome_names_the_line_in_the_callers_language(table, walk):
    chest = table.resources["chest-of-hope-helpline"]
    assert callsim.outcome(walk("2")[-1].step) == f"connecting to {chest.name['en']} (209) 259-5552"
    assert callsim.outcome(walk("9", "2")[-1].step) == f"connecting to {chest.name['es']} (209) 259-5552"
