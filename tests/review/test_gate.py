"""The one safety check: every SMS reply and every call path, rendered, gives a 24/7 number and 911."""
import copy

import pytest

from bot.review import gate, renders
from bot.table.load import build_table


def problems(docs, change):
    changed = copy.deepcopy(docs)
    change(changed)
    return [str(p) for p in gate.problems(build_table(changed))]


def test_the_default_table_is_safe(docs):
    assert gate.problems(build_table(docs)) == []


def _no_number(docs):
    for words in docs["messages.yaml"].values():
        words["resource"] = "{name}{hours}. {description}"
        words["brief"] = "{name}{hours}."


def _no_911(docs):
    docs["messages.yaml"]["en"]["danger"] = "In immediate danger? Call the police."


def _no_unmatched(docs):
    docs["topics.yaml"]["unmatched"]["resources"] = []


def _unmatched_unknown_hours(docs):
    unknown = next(r["key"] for r in docs["resources.yaml"] if r["hours"] == "unknown")
    docs["topics.yaml"]["unmatched"]["resources"] = [unknown]


def _greeting_without_911(docs):
    docs["menu.yaml"]["prompts"]["danger"]["es"] = "Si está en peligro inmediato, cuelgue."


def _numbers_not_read(docs):
    docs["menu.yaml"]["prompts"]["number"] = {"en": "{name}.", "es": "{name}."}


def _bad_number_in_wording(docs):
    docs["messages.yaml"]["en"]["automated"] += " Or call (209) 048-1911."


@pytest.mark.parametrize("change, expected", [
    (_no_number, "sms reply: en (no match): carries no 24/7 number"),
    (_no_911, "messages.yaml: en danger: does not say to call 911"),
    (_no_unmatched, "sms reply: es (no match): carries no 24/7 number"),
    (_unmatched_unknown_hours, "sms reply: en (no match): carries no 24/7 number"),
    (_greeting_without_911, "menu.yaml: prompts danger es: does not say to call 911"),
    (_numbers_not_read, "call: en silence: ends without saying a 24/7 number"),
    (_bad_number_in_wording, "is not a valid phone number"),
])
def test_unsafe_tables_are_found(docs, change, expected):
    found = problems(docs, change)
    assert any(expected in p for p in found), found


def test_a_new_kind_of_reply_is_checked_once_listed(docs, monkeypatch):
    table = build_table(docs)
    monkeypatch.setattr(renders, "SMS_RENDERERS", [*renders.SMS_RENDERERS, lambda t: [
        renders.Reply("en", "en details", "Details: no number here.", 2, "details")]])
    assert [str(p) for p in gate.problems(table)] == [
        "sms reply: en details: does not end with the 911 line", "sms reply: en details: carries no 24/7 number"]


def _menu_asks_for_info(docs):
    docs["messages.yaml"]["en"]["menu"] = "Text HOTLINE, HOUSING or INFO. Para español: ESPAÑOL."


def _discreet_menu_asks_for_help(docs):
    docs["discreet.yaml"]["messages"]["es"]["menu"] = "Escriba HELP."


def _topic_named_info(docs):
    facts = next(t for t in docs["topics.yaml"]["topics"] if t["key"] == "INFO")
    facts["name"]["es"] = "Info"


def _card_keyword_start(docs):
    docs["discreet.yaml"]["keyword"]["en"] = "start"


def _prompt_asks_for_yes(docs):
    docs["menu.yaml"]["prompts"]["text_sent"]["en"] = "The text was sent. Reply YES to confirm."


def _interpreter_essentials_ask_for_unsubscribe(docs):
    docs["interpreters.yaml"]["essentials"]["en"] += " Text UNSUBSCRIBE to stop."


@pytest.mark.parametrize("change, expected", [
    (_menu_asks_for_info, "sms reply: en (no match): asks to text INFO, which Twilio answers itself"),
    (_discreet_menu_asks_for_help, "sms reply: es discreet menu: asks to text HELP, which Twilio answers itself"),
    (_topic_named_info, "topics.yaml: INFO name: 'Info' (es) is a keyword Twilio answers itself"),
    (_card_keyword_start, "discreet.yaml: keyword: 'start' (en) is a keyword Twilio answers itself"),
    (_prompt_asks_for_yes, "menu.yaml: prompts.text_sent en: asks to text YES, which Twilio answers itself"),
    (_interpreter_essentials_ask_for_unsubscribe, "asks to text UNSUBSCRIBE, which Twilio answers itself"),
])
def test_a_table_that_asks_for_a_word_twilio_swallows_is_refused(docs, change, expected):
    found = problems(docs, change)
    assert any(expected in p for p in found), found


def test_the_shipped_table_asks_for_no_word_twilio_swallows(docs):
    assert not [p for p in map(str, gate.problems(build_table(docs))) if "Twilio" in p]


def test_stop_may_be_named_and_lower_case_words_are_not_asks(docs):
    def opt_out_line(docs):
        docs["messages.yaml"]["en"]["automated"] = "No one reads these texts: call a number above. Text STOP to end."
    assert problems(docs, opt_out_line) == []
    assert gate.asks_for("Text STOP to opt out. Help is here, any info you need, yes.") == []
    assert gate.asks_for("Escriba AYUDA o INFO.") == ["INFO"]
