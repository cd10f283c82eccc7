"""bot/review/reach_checks.py: discreet and other-language replies checked with the rest of the table."""
from __future__ import annotations

import copy
from datetime import date

from bot.review import reach_checks, reply_checks
from bot.table.files import read_docs, read_table
from bot.table.load import build_table
from conftest import DATA_DIR


def test_the_default_table_passes():
    table = read_table(DATA_DIR)
    found = reach_checks.check_reach(table)
    assert found and all(f.level == reply_checks.OK for f in found), [f for f in found if f.level != reply_checks.OK]
    subjects = {f.subject for f in reply_checks.check_table(table, date.today())}
    assert "sms en discreet HOTLINE" in subjects and "sms vi interpreter line Vietnamese" in subjects


def test_a_giveaway_word_or_a_missing_number_is_an_error():
    docs = copy.deepcopy(read_docs(DATA_DIR))
    docs["interpreters.yaml"]["essentials"] = {"en": "Trafficking help: {numbers}.", "es": "Ayuda: {numbers}."}
    docs["interpreters.yaml"]["lines"][0]["detect"] = {"lingua": "KLINGON"}
    found = reach_checks.check_reach(build_table(docs))
    errors = {f.subject: f.detail for f in found if f.level == reply_checks.ERROR}
    assert "trafficking" in errors["sms vi interpreter line Vietnamese"]
    assert "no 24/7 number or no 911" in errors["sms vi interpreter line Vietnamese"]
    assert "KLINGON" in errors["interpreters.yaml"]
