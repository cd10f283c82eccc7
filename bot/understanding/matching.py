"""Text to topics: normalize, find keywords and phrases, forgive typos, guess the language.

Plain Python: a ``Table`` in, a ``Match`` out. A ``Matcher`` builds its indexes once per
table, so matching a message costs dictionary look-ups, plus a fuzzy check of a short
candidate list for words that were not found exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..table.model import Table
from ..text import normalize, tokens

FUZZY_MIN_LENGTH = 5  # shorter words must match exactly


@dataclass(frozen=True)
class Match:
    topics: tuple[str, ...]  # topic keys, most urgent first
    language: str | None  # the one language the words were clearly in, if any
    switch: str | None = None  # a language the sender asked for ("ESPAÑOL")
    keywords: tuple[tuple[str, str], ...] = ()  # (keyword as found, topic): why each topic matched
    scores: tuple[tuple[str, float, bool], ...] = ()  # (topic, the model's score, picked by the model)
    example: bool = False  # the text is one of the table's examples: its topics, exactly
    details: tuple[str, ...] = ()  # resources the text names ("chest of hope"): give their details
    watched: bool = False  # the text says someone else reads the sender's phone: discreet replies
    watched_score: float = 0.0  # the model's probability of that (0: not asked)

    @property
    def keyword_as_written(self) -> bool:
        """True when a keyword was found as written, not only as a typo of another word ("ajuda")."""
        return any(not phrase.endswith(")") for phrase, _ in self.keywords)


class Matcher:
    """Keyword indexes for one table."""

    def __init__(self, table: Table):
        """Index every keyword phrase, switch word and hint word of ``table``."""
        self.urgency = {t.key: t.urgency for t in table.topics}
        self.phrases: dict[tuple[str, ...], set[tuple[str, str]]] = {}
        for topic in table.topics:
            for language, phrases in topic.keywords.items():
                for phrase in phrases:
                    self.phrases.setdefault(tokens(phrase), set()).add((topic.key, language))
        self.longest = max((len(p) for p in self.phrases), default=1)
        self.switch = {tokens(w): lang.code for lang in table.languages.values() for w in lang.switch}
        self.hints: dict[str, set[str]] = {}
        for lang in table.languages.values():
            for word in lang.hints:
                self.hints.setdefault(normalize(word), set()).add(lang.code)
        self.longest_word = max((len(p[0]) for p in self.phrases if len(p) == 1), default=0)
        self.deletions: dict[str, set[str]] = {}  # one-letter deletions -> keyword words
        for phrase in self.phrases:
            if len(phrase) == 1 and len(phrase[0]) >= FUZZY_MIN_LENGTH:
                for key in _deletions(phrase[0]):
                    self.deletions.setdefault(key, set()).add(phrase[0])
        self.closest = lru_cache(maxsize=4096)(self._closest)
        self.words = frozenset(w for p in self.phrases for w in p) | frozenset(self.hints)  # the bot's own languages'

    def match(self, text: str) -> Match:
        """Find the topics and the language of ``text``."""
        return self.match_words(tokens(text))

    def match_words(self, words: tuple[str, ...]) -> Match:
        """Find the topics and the language of a text's normalized words (``tokens(text)``)."""
        hits: list[set[tuple[str, str]]] = []
        found: list[tuple[str, str]] = []
        switch = None
        known = set()
        switched = set()
        for i in range(len(words)):
            for n in range(1, min(self.longest, len(words) - i) + 1):
                gram = words[i : i + n]
                if gram in self.phrases:
                    hits.append(self.phrases[gram])
                    found += [(" ".join(gram), topic) for topic in sorted({t for t, _ in self.phrases[gram]})]
                    known.update(range(i, i + n))
                if gram in self.switch:
                    switch = self.switch[gram] if switch in (None, self.switch[gram]) else ""
                    known.update(range(i, i + n))
                    switched.update(range(i, i + n))
        for i, word in enumerate(words):
            if (i not in known and word not in self.hints
                    and FUZZY_MIN_LENGTH <= len(word) <= self.longest_word + 2):  # longer: too far off
                near = self.closest(word)
                if near:
                    hits.append(self.phrases[(near,)])
                    found += [(f"{word} ({near})", topic) for topic in sorted({t for t, _ in self.phrases[(near,)]})]
        # A switch word switches only when the text is that request ("español", "english please"),
        # not when it is a word inside a sentence ("hablo español e inglés").
        if switch and any(i not in switched and w not in self.hints for i, w in enumerate(words)):
            switch = None
        topics = sorted({topic for hit in hits for topic, _ in hit}, key=self.urgency.__getitem__)
        return Match(tuple(topics), switch or self._language(words, hits), switch or None, tuple(found))

    def _closest(self, word: str) -> str | None:
        """The keyword within one typo of ``word`` (two for long words), if any."""
        limit = 2 if len(word) >= 9 else 1
        candidates = set().union(*(self.deletions.get(k, ()) for k in _deletions(word)))
        scored = sorted((OSA.distance(word, c), c) for c in candidates)
        return scored[0][1] if scored and scored[0][0] <= limit else None

    def _language(self, words: tuple[str, ...], hits: list[set[tuple[str, str]]]) -> str | None:
        """The only language with evidence in ``words``, or None when mixed or neutral."""
        evidence = [{language for _, language in hit} for hit in hits]
        evidence += [self.hints[word] for word in words if word in self.hints]
        seen = set().union(*(langs for langs in evidence if len(langs) == 1))
        return seen.pop() if len(seen) == 1 else None


def _deletions(word: str) -> set[str]:
    """``word`` and every string made by deleting one of its letters."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
