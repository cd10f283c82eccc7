"""Texts labelled with the topics and language their reply needs, scored as the bot answers them.

A text is right when every labelled topic was matched, none of ``not`` was, at most one matched
topic is not labelled (when some are labelled), and the reply is in the labelled language.
Plain Python: the answers come from the caller (the same path as a first text on /sms).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..conversation.texting import Outcome


@dataclass(frozen=True)
class Case:
    text: str
    language: str
    topics: frozenset[str]
    never: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scored:
    case: Case
    outcome: Outcome
    right: bool


@dataclass
class Summary:
    total: int = 0
    right: int = 0
    language_right: int = 0
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # topic -> (found, labelled)
    precision: dict[str, tuple[int, int]] = field(default_factory=dict)  # topic -> (labelled, matched)

    def share(self) -> float:
        """The share of texts answered right."""
        return self.right / self.total if self.total else 0.0

    def topic_recall(self, topic: str) -> float:
        """Found / labelled for one topic (1.0 when never labelled)."""
        found, labelled = self.recall.get(topic, (0, 0))
        return found / labelled if labelled else 1.0

    def as_dict(self) -> dict:
        """The summary as plain data (the last line of ``evaluate --json``)."""
        return {"summary": True, "texts": self.total, "right": self.right, "share_right": round(self.share(), 4),
                "language_accuracy": round(self.language_right / self.total, 4) if self.total else 0.0,
                "danger_recall": round(self.topic_recall("DANGER"), 4),
                "recall": {t: round(self.topic_recall(t), 4) for t in sorted(self.recall)},
                "precision": {t: round(a / b, 4) if b else 1.0 for t, (a, b) in sorted(self.precision.items())}}


def cases(doc: object) -> list[Case]:
    """The cases of a parsed YAML list of {text, lang, topics, not?}; ValueError on a bad entry."""
    if not isinstance(doc, list):
        raise ValueError("expected a list of {text, lang, topics, not}")
    out = []
    for i, item in enumerate(doc, 1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item.get("lang"):
            raise ValueError(f"entry {i}: needs text and lang")
        out.append(Case(item["text"], str(item["lang"]), frozenset(item.get("topics") or ()),
                        frozenset(item.get("not") or ())))
    return out


def is_right(case: Case, outcome: Outcome) -> bool:
    """The scoring rule of the module docstring."""
    matched = set(outcome.topics)
    return (case.topics <= matched and not matched & case.never
            and (not case.topics or len(matched - case.topics) <= 1) and outcome.language == case.language)


def score(items: Sequence[Case], answer: Callable[[str], Outcome], topics: Sequence[str]) -> tuple[list[Scored], Summary]:
    """Answer every case, score it, and sum up per topic."""
    summary = Summary(recall={t: (0, 0) for t in topics}, precision={t: (0, 0) for t in topics})
    scored = []
    for case in items:
        outcome = answer(case.text)
        right = is_right(case, outcome)
        scored.append(Scored(case, outcome, right))
        summary.total += 1
        summary.right += right
        summary.language_right += outcome.language == case.language
        matched = set(outcome.topics)
        for t in set(topics) | case.topics | matched:
            found, labelled = summary.recall.get(t, (0, 0))
            summary.recall[t] = (found + (t in case.topics and t in matched), labelled + (t in case.topics))
            good, total = summary.precision.get(t, (0, 0))
            summary.precision[t] = (good + (t in matched and t in case.topics), total + (t in matched))
    return scored, summary
