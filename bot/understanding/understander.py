"""One text in, its topics, its language and whether it says the phone is watched out: the table's
examples exactly, the keywords, the classifier, then the safety rules. Plain Python over a ``Table``
and a trained ``Model``."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache

from ..table.model import Table
from .classifier import Model, samples, train
from .line_names import LineNames
from .matching import Match, Matcher
from ..text import REMEMBERED_LENGTH, normalize, tokens

MODEL_VERSION = "5"  # bump when the features or the training change: old cached models are dropped
EXPLAINED_SCORE = 0.25  # a topic the model did not pick is explained from this score on
REMEMBERED_TEXTS = 4096  # readings of short texts kept per snapshot, by normalized text ("help" repeats)


def training_data(table: Table) -> dict:
    """Everything the classifier learns from, as plain data (lists of strings per topic and language)."""
    return {
        "version": MODEL_VERSION,
        "topics": [t.key for t in table.topics],
        "languages": list(table.languages),
        "examples": [[e.text, e.language, list(e.topics), e.discreet] for e in table.examples],
        "keywords": {t.key: {lang: list(words) for lang, words in t.keywords.items()} for t in table.topics},
        "hints": {code: list(lang.hints) for code, lang in table.languages.items()},
        "watched": {lang: list(p) for lang, p in table.discreet.on.items()} if table.discreet else {},
    }


def fingerprint(data: dict) -> str:
    """A key of the training data: the same data, the same model (for caches)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def train_model(data: dict) -> Model:
    """Train the classifier on ``training_data(table)`` (deterministic; seconds, not milliseconds)."""
    common = {normalize(w) for words in data["hints"].values() for w in words}
    return train(data["topics"], data["languages"],
                 samples(data["examples"], data["keywords"], data["hints"], data.get("watched", {})), common)


class Understander:
    """Reads texts for one table: ``match(text)`` is what the conversation asks."""

    def __init__(self, table: Table, model: Model | None):
        """Index the keywords and the examples; ``model`` None: keywords and examples only."""
        self.matcher = Matcher(table)
        self.model = model if model is not None and model.topics == tuple(t.key for t in table.topics) else None
        self.urgency = {t.key: t.urgency for t in table.topics}
        self.exact = {normalize(e.text): e for e in table.examples}
        self.words = self.matcher.words | frozenset(w for text in self.exact for w in text.split())
        self.keyword_texts = {normalize(p) for t in table.topics for ps in t.keywords.values() for p in ps}
        self.safety = {rule: {lang: [tokens(p) for p in phrases] for lang, phrases in by_lang.items()}
                       for rule, by_lang in table.safety.items()}
        self.cries = {p for ps in self.safety.get("cry", {}).values() for p in ps}
        self.phrases = {rule: tuple(f" {' '.join(p)} " for ps in by_lang.values() for p in ps)
                        for rule, by_lang in self.safety.items()}
        self.lines = LineNames(table)  # "chest of hope": the text names a line, whose number it gets
        self.watched_phrases = tuple(f" {' '.join(tokens(p))} " for ps in table.discreet.on.values() for p in ps
                                     ) if table.discreet else ()
        self.read = lru_cache(maxsize=REMEMBERED_TEXTS)(self._read)  # this snapshot's own: a new table, a new cache

    def match(self, text: str) -> Match:
        """The topics of ``text`` (most urgent first), its language, and why: a reading depends only on
        the normalized text, so one read before is used again."""
        norm = normalize(text)
        return self.read(norm) if len(norm) <= REMEMBERED_LENGTH else self._read(norm)

    def _read(self, norm: str) -> Match:
        """The topics, language, watched phone and why of a normalized text."""
        found = self.matcher.match_words(tuple(norm.split()))  # = self.matcher.match(text)
        details, named_in = self.lines.find(tuple(norm.split()))
        if found.language is None and named_in:  # "linea nacional": the name is Spanish
            found = replace(found, language=named_in)
        if found.switch:  # "ESPAÑOL", "english please": a request for a language, not a topic
            return replace(found, details=details)
        said = any(phrase in f" {norm} " for phrase in self.watched_phrases)  # "he reads my texts": a rule
        bare = norm in self.keyword_texts  # the whole text is a keyword ("AYUDA"): its rule holds too
        example = self.exact.get(norm)
        if example is not None:
            topics = set(example.topics) | (set(found.topics) | self._safety(norm) if bare else set())
            return replace(found, topics=self._ordered(topics), language=example.language, example=True,
                           details=details, watched=said or example.discreet)
        if bare:
            return replace(found, topics=self._ordered(set(found.topics) | self._safety(norm)), details=details,
                           watched=said)
        topics = set(found.topics)
        scores: tuple = ()
        language = found.language
        watched = 0.0
        if self.model is not None and norm:
            vector = self.model.vector(norm)  # once, for the topics, the language and a watched phone
            by_topic = self.model.scores(norm, vector)
            picked = self.model.predict(by_topic, vector, topics) if self.model.knows(norm) else ()
            topics.update(picked)
            scores = tuple((t, round(s, 3), t in picked) for t, s in by_topic.items())
            language = self.model.language(norm, vector) or found.language
            watched = self.model.watched(norm, vector)
        topics.update(self._safety(norm))
        seen = said or (self.model is not None and watched >= self.model.watched_threshold)
        return replace(found, topics=self._ordered(topics), language=language, scores=scores, details=details,
                       watched=seen, watched_score=round(watched, 3))

    def _safety(self, norm: str) -> set[str]:
        """The table's ``safety`` phrases: a minor in commercial sex always gets HOTLINE; a text that is
        only a cry for help ("HELP", "auxilio") gets DANGER first."""
        words = f" {norm} "
        cry = tokens(norm) in self.cries
        def says(rule: str) -> bool:
            """True when a phrase of ``rule`` is in the text, in any language."""
            return any(phrase in words for phrase in self.phrases.get(rule, ()))
        found = {"HOTLINE"} if says("minor") and says("commercial_sex") else set()
        return (found | ({"DANGER"} if cry else set())) & self.urgency.keys()

    def _ordered(self, topics) -> tuple[str, ...]:
        """Topics most urgent first (unknown ones dropped)."""
        return tuple(sorted((t for t in topics if t in self.urgency), key=self.urgency.__getitem__))



def explain(match: Match) -> list[str]:
    """Why a text got its topics, as staff read it: the example, the keywords, the model's scores."""
    if match.example:
        return [f"this exact text is an example of: {', '.join(match.topics) or 'no topic'}"]
    lines = [f"keyword {phrase!r} -> {topic}" for phrase, topic in match.keywords]
    for topic, score, picked in sorted(match.scores, key=lambda s: -s[1]):
        if picked or score >= EXPLAINED_SCORE:
            lines.append(f"model {topic}: {score:.2f} ({'picked' if picked else 'not picked'})")
    if match.switch:
        lines.append(f"asks for language {match.switch}")
    if match.watched:
        lines.append(f"says the phone is watched (model {match.watched_score:.2f})" if match.watched_score
                     else "says the phone is watched")
    if match.details:
        lines.append(f"names a line: {', '.join(match.details)}")
    return lines or ["no keyword, and the model picked no topic"]
