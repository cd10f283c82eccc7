"""Which language a text is in, when it is neither English nor Spanish: a Unicode script (Khmer), a
word list (Hmong), or lingua-language-detector, loaded with only the languages the table names
(and, for Chinese, hanzidentifier: Traditional characters get the Traditional line).

Plain Python: the table's interpreter lines and a text in, a line's code (or None) out. None means
English, Spanish, or unsure: a short or mixed text ("hi", "ok", Spanglish), or one mostly of words
people write to the bot in them, never leaves them.
"""
from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from functools import lru_cache

from ..table.model import Interpreting
from ..text import tokens

log = logging.getLogger(__name__)
MIN_CONFIDENCE = 0.9  # lingua's confidence in the other language, 0..1 (0.8 read romanized Punjabi as Portuguese)
SURE = 0.99  # ... when the classifier found topics in the text: the language is decided first, if sure
MIN_WORDS = 2  # Latin-script texts with fewer words than this stay in English or Spanish
MIN_LETTERS = 8  # ... and with fewer letters than this
MIN_WORD_HITS = 2  # a word-list language needs this many of its words, and half of the text's


def identify(interpreting: Interpreting | None, text: str, own: tuple[str, ...] = ("en", "es"),
             known: frozenset[str] = frozenset(), confidence: float = MIN_CONFIDENCE) -> str | None:
    """The code of the interpreter line for ``text``'s language, or None; ``own``: the bot's languages;
    ``known``: words people write to the bot in them (a Latin text mostly of these stays in them);
    ``confidence``: how sure lingua must be."""
    letters = [c for c in text if c.isalpha()]
    if interpreting is None or not interpreting.lines or not letters:
        return None
    scripts = Counter(map(_script, letters))
    for line in interpreting.lines:
        if line.script and 2 * scripts[line.script] >= len(letters):
            return line.code
    words = tokens(text)
    for line in interpreting.lines:
        hits = sum(w in line.words for w in words)
        if line.words and hits >= MIN_WORD_HITS and 2 * hits >= len(words):
            return line.code
        if line.words and all(w in line.words and w not in known for w in words):  # "ajuda", "obrigada"
            return line.code
    latin = 2 * scripts["LATIN"] >= len(letters)
    if latin and (sum(any(c.isalpha() for c in w) for w in words) < MIN_WORDS or len(letters) < MIN_LETTERS
                  or 2 * sum(w in known for w in words) > len(words)):  # "ok cool thx", "haha no its ok"
        return None
    names = {line.lingua.upper() for line in interpreting.lines if line.lingua}
    detector = _detector(tuple(sorted(names)), own)
    if detector is None:
        return None
    confidences = detector.compute_language_confidence_values(text)
    if not confidences or confidences[0].value < confidence:
        return None
    found = [line for line in interpreting.lines if line.lingua and line.lingua.upper() == confidences[0].language.name]
    writing = _writing(text) if any(line.writing for line in found) else None
    ranked = sorted(found, key=lambda line: (line.writing != writing, line.writing is not None))
    return ranked[0].code if ranked else None  # the line of its characters, else the general one


def _writing(text: str) -> str | None:
    """"traditional" or "simplified" when a Chinese text's characters are only one of them, else None."""
    import hanzidentifier

    return {hanzidentifier.TRADITIONAL: "traditional", hanzidentifier.SIMPLIFIED: "simplified"}.get(
        hanzidentifier.identify(text))


def warm_up(interpreting: Interpreting | None, own: tuple[str, ...] = ("en", "es")) -> None:
    """Load the language models now (at start-up) rather than on the first text."""
    if interpreting is not None:
        _detector(tuple(sorted(line.lingua.upper() for line in interpreting.lines if line.lingua)), own)


@lru_cache(maxsize=4)
def _detector(names: tuple[str, ...], own: tuple[str, ...]):
    """A lingua detector for these languages and the bot's own (None: lingua knows too few of them)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = set()
    for name in names:
        try:
            languages.add(Language.from_str(name))
        except ValueError:
            log.error("interpreters.yaml names a language lingua does not know: %s", name)
    for code in own:
        try:
            languages.add(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
        except ValueError:
            pass
    if len(languages) < 2:
        return None
    # Low accuracy mode: trigram models only, about 13 MB per worker instead of about 150 MB for these
    # languages; texts shorter than MIN_WORDS or less sure than MIN_CONFIDENCE stay English/Spanish anyway.
    return (LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode()
            .with_preloaded_language_models().build())


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The script of a letter, from its Unicode name: "KHMER", "LATIN", "GURMUKHI"..."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def unknown_models(interpreting: Interpreting | None) -> list[str]:
    """The ``lingua`` names of interpreter lines that lingua-language-detector does not know."""
    from lingua import Language

    unknown = []
    for line in interpreting.lines if interpreting else ():
        if line.lingua:
            try:
                Language.from_str(line.lingua)
            except ValueError:
                unknown.append(line.lingua)
    return unknown
