"""Topics, language and "this phone is watched" learned from example texts: TF-IDF over word and
character n-grams, one logistic regression per topic (per language, and one for a watched phone), and
one over the sets of topics the examples carry; a text's topics are the set most likely to be answered
right.

scikit-learn only trains; a prediction is the text's sparse TF-IDF vector times the trained weight
matrix (numpy), which is what keeps one text well under a millisecond. Training is deterministic:
the same examples give the same weights on every worker.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..text import normalize

CHAR_NGRAMS = (2, 5)  # character n-grams, inside and across word boundaries
FOLDS = 4  # cross-validation folds for the watched phone's threshold
C = 8.0  # inverse regularization of each logistic regression
RECALLED_FIRST = "DANGER"  # the topic whose recall matters most
MISSED_FIRST = 1.0  # what a reply that misses DANGER costs beyond being wrong (1: twice as bad)
EXTRA_COST = 0.1  # what each topic a text did not need costs: a longer, less clear reply
SET_SHARE = 0.5  # the set model's share of a set's probability; the rest: the topics' own, as if independent
THRESHOLD_RANGE = (0.1, 0.7)
LANGUAGE_CONFIDENCE = 0.65  # below this, the text says nothing clear about its language
WATCHED_BETA = 3.0  # a watched phone: recall first (a false one costs plainer words, a miss can cost a life)

SUBLINEAR_TF = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 1024)])  # a feature's weight by its count,
# looked up (the same floats as math.log gives) rather than computed per feature


def features(norm: str) -> list[str]:
    """The features of a normalized text: words, word pairs and character n-grams."""
    words = norm.split()
    out = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    padded = f" {norm} "
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


@dataclass(frozen=True)
class Sample:
    text: str
    language: str
    topics: tuple[str, ...]
    watched: bool = False  # the text says the sender's phone is read by someone else


@dataclass
class Model:
    """Trained weights: what ``scores`` and ``language`` need, and nothing of scikit-learn."""

    topics: tuple[str, ...]
    languages: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # features x topics
    bias: np.ndarray
    set_weights: np.ndarray  # features x the sets of topics the examples carry
    set_bias: np.ndarray
    members: np.ndarray  # sets x topics: 1 where the set has the topic
    utility: np.ndarray  # sets x candidate replies: what answering with the candidate is worth
    candidates: tuple[tuple[str, ...], ...]  # every set of topics a reply can answer
    holding: np.ndarray  # candidates x topics: True where the candidate has the topic
    language_weights: np.ndarray  # features x languages
    language_bias: np.ndarray
    common: frozenset[str] = frozenset()  # words too common to say anything (the languages' hints)
    watched_weights: np.ndarray | None = None  # features: "this phone is watched" (None: no examples say so)
    watched_bias: float = 0.0
    watched_threshold: float = 1.0

    def knows(self, norm: str) -> bool:
        """True when the text has a word the examples use that is not a common one: without one,
        character n-grams alone (a name, a typo of nothing, "banana bread") must not pick a topic."""
        return any(f"w:{w}" in self.vocabulary and w not in self.common for w in norm.split())

    def vector(self, norm: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's TF-IDF vector (sublinear tf, l2-normalized) as indexes and values (made once for
        ``scores`` and ``language``)."""
        vocabulary = self.vocabulary
        counts = Counter(filter(vocabulary.__contains__, features(norm)))
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        index = np.fromiter(map(vocabulary.__getitem__, counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
        if tf.max() < len(SUBLINEAR_TF):
            values = SUBLINEAR_TF[tf]  # a copy: the table stays as it is
        else:
            values = np.array([1.0 + math.log(c) for c in tf.tolist()])
        values *= self.idf[index]
        values /= np.sqrt(values @ values)
        return index, values

    def scores(self, norm: str, vector: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, float]:
        """The probability of each topic for a normalized text (``vector``: its ``vector(norm)``)."""
        index, values = vector if vector is not None else self.vector(norm)
        logits = values @ self.weights[index] + self.bias
        return dict(zip(self.topics, (1.0 / (1.0 + np.exp(-logits))).tolist()))

    def predict(self, scores: Mapping[str, float], vector: tuple[np.ndarray, np.ndarray],
                given: Iterable[str] = ()) -> tuple[str, ...]:
        """The candidate reply most likely right (a missed DANGER costs more) for a text's ``scores``
        and ``vector``: the set model's probabilities blended with the topics' own. ``given``: topics
        the reply has anyway (keywords), which every candidate keeps."""
        index, values = vector
        by_set = 1.0 / (1.0 + np.exp(-(values @ self.set_weights[index] + self.set_bias)))
        by_set /= max(by_set.sum(), 1e-12)
        own = np.array([scores[t] for t in self.topics])
        apart = np.prod(np.where(self.members == 1, own, 1.0 - own), axis=1)
        apart /= max(apart.sum(), 1e-12)
        worth = (SET_SHARE * by_set + (1.0 - SET_SHARE) * apart) @ self.utility
        kept = [self.topics.index(t) for t in given if t in self.topics]
        worth[~self.holding[:, kept].all(axis=1)] = -np.inf
        return self.candidates[int(worth.argmax())]

    def watched(self, norm: str, vector: tuple[np.ndarray, np.ndarray] | None = None) -> float:
        """The probability that a normalized text says the sender's phone is watched (0 without a model)."""
        if self.watched_weights is None or not self.knows(norm):
            return 0.0
        index, values = vector if vector is not None else self.vector(norm)
        return float(1.0 / (1.0 + np.exp(-(values @ self.watched_weights[index] + self.watched_bias))))

    def language(self, norm: str, vector: tuple[np.ndarray, np.ndarray] | None = None) -> str | None:
        """The language a normalized text is written in, or None when it does not say (``vector``: its
        ``vector(norm)``)."""
        if len(self.languages) < 2 or not any(f"w:{w}" in self.vocabulary for w in norm.split()):
            return None  # not one word the examples use: nothing to judge the language by
        index, values = vector if vector is not None else self.vector(norm)
        logits = values @ self.language_weights[index] + self.language_bias
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        best = int(probs.argmax())
        return self.languages[best] if probs[best] >= LANGUAGE_CONFIDENCE else None


def samples(examples: Iterable[Sequence], keywords: Mapping[str, Mapping[str, Sequence[str]]],
            hints: Mapping[str, Sequence[str]] = {}, watched: Mapping[str, Sequence[str]] = {}) -> list[Sample]:
    """Training samples: the examples ([text, language, topics] and optionally watched), each keyword
    as a short example of its topic, each hint word as an example of its language with no topic, each
    ``watched`` phrase ("he reads my texts") as a watched example with no topic."""
    out = [Sample(normalize(e[0]), e[1], tuple(e[2]), bool(e[3]) if len(e) > 3 else False) for e in examples]
    for topic, by_language in keywords.items():
        for lang, phrases in by_language.items():
            out += [Sample(normalize(p), lang, (topic,)) for p in phrases]
    for lang, words in hints.items():
        out += [Sample(normalize(w), lang, ()) for w in words]
    for lang, phrases in watched.items():
        out += [Sample(normalize(p), lang, (), True) for p in phrases]
    return [s for s in out if s.text]


def rightness(wanted: frozenset[str], given: frozenset[str]) -> float:
    """What a reply answering ``given`` is worth to a text that needs ``wanted``: 1 when right by
    evaluate's rule (every wanted topic, at most one more), 0 when wrong, less when it misses DANGER,
    and a little less for each topic it did not need."""
    right = not wanted or (wanted <= given and len(given - wanted) <= 1)
    return (float(right) - (MISSED_FIRST if RECALLED_FIRST in wanted - given else 0.0)
            - EXTRA_COST * len(given - wanted))


def train(topics: Sequence[str], languages: Sequence[str], data: Sequence[Sample],
          common: Iterable[str] = ()) -> Model:
    """Fit the vectorizer, a logistic regression per topic, per language, for a watched phone and
    over the sets of topics."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, lowercase=False)
    X = vectorizer.fit_transform([s.text for s in data])
    n_features = X.shape[1]
    weights, bias = np.zeros((n_features, len(topics))), np.zeros(len(topics))
    for j, topic in enumerate(topics):
        y = np.array([topic in s.topics for s in data], dtype=int)
        if y.min() == y.max():  # no example (or only examples) of this topic: keywords only
            bias[j] = -10.0 if y.max() == 0 else 10.0
            continue
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced").fit(X, y)
        weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    sets = sorted({tuple(t for t in topics if t in s.topics) for s in data})
    set_weights, set_bias = _fit_sets(X, [sets.index(tuple(t for t in topics if t in s.topics)) for s in data],
                                      len(sets))
    candidates = tuple(c for n in range(len(topics) + 1) for c in itertools.combinations(topics, n))
    utility = np.array([[rightness(frozenset(s), frozenset(c)) for c in candidates] for s in sets])
    members = np.array([[t in s for t in topics] for s in sets], dtype=float).reshape(len(sets), len(topics))
    watched = _fit(X, np.array([s.watched for s in data], dtype=int), WATCHED_BETA)
    lang_weights, lang_bias = np.zeros((n_features, len(languages))), np.zeros(len(languages))
    y_lang = np.array([languages.index(s.language) if s.language in languages else -1 for s in data])
    for j in range(len(languages)):
        y = (y_lang == j).astype(int)
        if 0 < y.sum() < len(y):
            model = LogisticRegression(C=C, solver="liblinear").fit(X, y)
            lang_weights[:, j], lang_bias[j] = model.coef_[0], model.intercept_[0]
    return Model(tuple(topics), tuple(languages), dict(vectorizer.vocabulary_), vectorizer.idf_.copy(),
                 weights, bias, set_weights, set_bias, members, utility, candidates,
                 np.array([[t in c for t in topics] for c in candidates], dtype=bool).reshape(len(candidates), -1),
                 lang_weights, lang_bias,
                 frozenset(common), *(watched if watched is not None else (None, 0.0, 1.0)))


def _fit_sets(X, y: Sequence[int], count: int) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per set of topics the examples carry, one against the rest (liblinear:
    seconds where one multinomial regression takes most of a minute); ``predict`` normalizes them."""
    from sklearn.linear_model import LogisticRegression

    weights, bias = np.zeros((X.shape[1], count)), np.full(count, -30.0)
    y = np.asarray(y)
    for j in range(count):
        if (y == j).all():
            bias[j] = 30.0
        elif (y == j).any():
            model = LogisticRegression(C=C, solver="liblinear").fit(X, (y == j).astype(int))
            weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    return weights, bias


def _fit(X, y: np.ndarray, beta: float) -> tuple[np.ndarray, float, float] | None:
    """One label's logistic regression: its weights, bias and F-beta threshold chosen by
    cross-validation (None when every sample has the label, or none has)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if y.min() == y.max():
        return None
    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
    folds = StratifiedKFold(min(FOLDS, int(y.sum()), int(len(y) - y.sum())), shuffle=True, random_state=0)
    threshold = 0.5
    if folds.n_splits >= 2:
        threshold = _best_threshold(y, cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1], beta)
    model.fit(X, y)
    return model.coef_[0].copy(), float(model.intercept_[0]), threshold


def _best_threshold(y: np.ndarray, scores: np.ndarray, beta: float) -> float:
    """The score limit with the best F-beta on held-out predictions (recall weighted by beta)."""
    best, best_f = 0.5, -1.0
    for limit in np.arange(THRESHOLD_RANGE[0], THRESHOLD_RANGE[1] + 1e-9, 0.025):
        predicted = scores >= limit
        tp = float((predicted & (y == 1)).sum())
        precision = tp / max(predicted.sum(), 1)
        recall = tp / max(y.sum(), 1)
        f = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-9)
        if f > best_f + 1e-9:
            best, best_f = float(limit), f
    return round(best, 3)
