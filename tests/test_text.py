"""bot/text.py: normalizing is idempotent, so a normalized text can be passed on and read again as
it is (the fast path for long texts gives what the whole computation gives)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text
from bot.text import normalize

LETTERS = "aAbeEilnoOpsSrtu ñÑáéíóú¿?!'’_-.,0123456789\u0130\u00df\u1e96\u4e2d"  # İ, ß, ẖ, 中 among them
TEXTS = st.text(st.sampled_from(LETTERS), max_size=120)


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_normalizing_twice_changes_nothing(raw):
    once = normalize(raw)
    assert normalize(once) == once
    assert text._normalize(once) == once  # computed in full, not by the shortcut


@given(st.text(st.sampled_from("abcxyz019 "), min_size=41, max_size=120))
@settings(max_examples=200, deadline=None)
def test_the_shortcut_for_long_plain_texts_agrees_with_the_whole_computation(raw):
    assert normalize(raw) == text._normalize(raw)


def test_a_long_elongated_or_spaced_text_is_still_normalized():
    long = "please " * 8
    assert normalize(long + "helllp") == long.strip() + " help"
    assert normalize(long + " me") == long.strip() + " me"
