"""Text as the bot compares it: lower case, no accents, apostrophes or punctuation, no letter
elongation ("ayudaaaa" -> "ayuda"). Plain Python."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NOT_WORD = re.compile(r"[\W_]+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")  # a letter three or more times in a row
_PLAIN = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")  # lower-case ASCII words: normalized already, if not elongated
REMEMBERED = 4096  # short texts whose normalized form is kept (a text is normalized several times per reply)
REMEMBERED_LENGTH = 40  # only a keyword or a few words is remembered: a longer text, which may tell a
# person's story, is normalized afresh and kept nowhere once answered (and the memory stays small)


def normalize(text: str) -> str:
    """Lower-case, drop accents, apostrophes, punctuation and elongation: "¡Ayúdaaame!" -> "ayudame"."""
    if len(text) <= REMEMBERED_LENGTH:
        return _remembered(text)
    if _PLAIN.fullmatch(text) and not _ELONGATED.search(text):  # a normalized text, passed on: as it is
        return text
    return _normalize(text)


def _normalize(text: str) -> str:
    """``normalize``, computed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _ELONGATED.sub(r"\1", _NOT_WORD.sub(" ", _APOSTROPHES.sub("", plain)).strip())


_remembered = lru_cache(maxsize=REMEMBERED)(_normalize)


def tokens(text: str) -> tuple[str, ...]:
    """The normalized words of ``text``."""
    return tuple(normalize(text).split())
