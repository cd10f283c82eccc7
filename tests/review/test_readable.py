"""bot/review/readable.py: changes read as words, with the changed characters of a number marked."""
from __future__ import annotations

from bot.review.readable import entry_changes, marked
from bot.table.changes import dump

ENTRY = {"key": "chest-of-hope-helpline", "organization": "chest-of-hope",
         "name": {"en": "Chest of Hope Helpline", "es": "Línea de ayuda de Chest of Hope"},
         "phone": "(209) 259-5552", "hours": "24/7", "languages": [], "last_verified": None}


def test_one_changed_digit_is_the_one_marked():
    [change] = entry_changes("resources.yaml: chest-of-hope-helpline", dump(ENTRY),
                             dump({**ENTRY, "phone": "(209) 259-5553"}))
    assert change.words == "Chest of Hope Helpline: phone (209) 259-5552 → (209) 259-5553"
    assert [t for t, changed in change.old if changed] == ["2"]
    assert [t for t, changed in change.new if changed] == ["3"]
    assert "".join(t for t, _ in change.new) == "(209) 259-5553"


def test_fields_per_language_lists_and_added_entries():
    new = {**ENTRY, "name": {**ENTRY["name"], "es": "Línea de Chest of Hope"}, "languages": ["en", "es"]}
    words = [c.words for c in entry_changes("resources.yaml: x", dump(ENTRY), dump(new))]
    assert words == ["Chest of Hope Helpline: name (es) Línea de ayuda de Chest of Hope → Línea de Chest of Hope",
                     "Chest of Hope Helpline: languages (none) → en, es"]
    added = entry_changes("resources.yaml: chest-of-hope-helpline", None, dump(ENTRY))
    assert "Chest of Hope Helpline: phone (none) → (209) 259-5552" in [c.words for c in added]


def test_long_texts_are_marked_by_word():
    old, new = marked("Text HOTLINE, HOUSING or INFO.", "Text HOTLINE or INFO.", words=True)
    assert [t for t, c in old if c] == ["HOTLINE, HOUSING"] and [t for t, c in new if c] == ["HOTLINE"]
    assert marked("same", "same") == ((("same", False),), (("same", False),))


def test_plain_text_entries_still_read():
    [change] = entry_changes("account a@example.org", "role: staff", "role: admin")
    assert change.words == "account a@example.org: role staff → admin"
