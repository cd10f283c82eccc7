"""K-fold measure of how the classifier generalizes on data/examples.yaml (not a test).

    .venv/bin/python bench/crossval.py [--data data] [--folds 5] [--only EXAMPLES.yaml] [--json]

Each example goes to one fold by a stable hash of its normalized text (the same text is never in
two folds, and the folds stay the same when examples are added). For each fold, the understanding
the bot serves (``train_model`` on ``training_data``, then ``Understander``) is built from the
table WITHOUT that fold's examples, so no held-out text is answered by the exact example match;
each held-out text is then answered as a new sender's first text (``texting.answer``) and judged
with evaluate's rule (``bot.review.evaluation``). Prints per-topic recall and precision, the share
right, DANGER recall, the recall and precision of "this phone is watched" (examples flagged
discreet) and the wrong texts grouped by (expected, got); ``--json``: one summary line.
``--only`` scores just the held-out examples whose text is also in another examples file (e.g. an
older examples.yaml), so runs before and after adding examples compare the same texts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.conversation import texting  # noqa: E402
from bot.review import evaluation  # noqa: E402
from bot.table.files import read_table  # noqa: E402
from bot.text import normalize  # noqa: E402
from bot.understanding.understander import Understander, train_model, training_data  # noqa: E402


def fold_of(text: str, folds: int) -> int:
    """The fold of a text: a stable hash of its normalized form."""
    return int(hashlib.sha256(normalize(text).encode("utf-8")).hexdigest(), 16) % folds


WATCHED: dict[str, bool] = {}  # held-out text -> flagged discreet (a watched phone), filled by ``run``


def run(data: Path, folds: int, only: set[str] | None = None) -> tuple[list[evaluation.Scored], evaluation.Summary]:
    """Train on all folds but one, answer the held-out fold (or its texts in ``only``, normalized),
    for every fold; score them together."""
    table = read_table(data)
    topics = [t.key for t in table.topics]
    scored: list[evaluation.Scored] = []
    summary = evaluation.Summary(recall={t: (0, 0) for t in topics}, precision={t: (0, 0) for t in topics})
    for k in range(folds):
        held = [e for e in table.examples if fold_of(e.text, folds) == k]
        WATCHED.update((e.text, e.discreet) for e in held)
        kept = tuple(e for e in table.examples if fold_of(e.text, folds) != k)
        fold_table = replace(table, examples=kept)
        understander = Understander(fold_table, train_model(training_data(fold_table)))
        cases = [evaluation.Case(e.text, e.language, frozenset(e.topics)) for e in held
                 if only is None or normalize(e.text) in only]
        part, sub = evaluation.score(
            cases, lambda text: texting.answer(fold_table, understander, text, texting.SenderState()), topics)
        scored += part
        _add(summary, sub)
        print(f"fold {k + 1}/{folds}: {sub.right}/{sub.total} right", file=sys.stderr)
    return scored, summary


def _add(total: evaluation.Summary, part: evaluation.Summary) -> None:
    """Add one fold's counts to the running summary."""
    total.total += part.total
    total.right += part.right
    total.language_right += part.language_right
    for counts, more in ((total.recall, part.recall), (total.precision, part.precision)):
        for t, (a, b) in more.items():
            x, y = counts.get(t, (0, 0))
            counts[t] = (x + a, y + b)


def report(scored: list[evaluation.Scored], summary: evaluation.Summary) -> None:
    """Per-topic recall and precision, the share right, DANGER recall, the wrong texts by class."""
    print(f"{'topic':<14}{'recall':>8}{'precision':>11}")
    for t, (found, labelled) in summary.recall.items():
        good, matched = summary.precision.get(t, (0, 0))
        print(f"{t:<14}{found / max(labelled, 1):>8.1%}{good / max(matched, 1):>11.1%}"
              f"   ({found}/{labelled}, {good}/{matched})")
    data = summary.as_dict()
    print(f"right: {summary.right}/{summary.total} = {data['share_right']:.1%}")
    print(f"language accuracy: {data['language_accuracy']:.1%}")
    print(f"DANGER recall: {data['danger_recall']:.1%}")
    flagged = [s for s in scored if WATCHED.get(s.case.text)]
    seen = [s for s in scored if s.outcome.state.discreet]
    hits = sum(s.outcome.state.discreet for s in flagged)
    print(f"watched phone: recall {hits / max(len(flagged), 1):.1%} ({hits}/{len(flagged)}), "
          f"precision {hits / max(len(seen), 1):.1%} ({hits}/{len(seen)})")
    for s in flagged:
        if not s.outcome.state.discreet:
            print(f"  missed: {s.case.text!r}")
    for s in seen:
        if not WATCHED.get(s.case.text):
            print(f"  not flagged: {s.case.text!r}")
    groups: dict[tuple, list[evaluation.Scored]] = defaultdict(list)
    for s in scored:
        if not s.right:
            groups[(tuple(sorted(s.case.topics)), tuple(sorted(s.outcome.topics)))].append(s)
    print(f"\nwrong ({summary.total - summary.right}), by (expected, got):")
    for (wanted, got), items in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"\n{list(wanted)} -> {list(got)}: {len(items)}")
        for s in items:
            flag = "" if s.outcome.language == s.case.language else f"  [language {s.outcome.language}]"
            print(f"  - {s.case.text!r}{flag}")


def main() -> None:
    """Parse the options, run the folds, print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the table's folder (default data/)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", type=Path, help="score only the texts that are also in this examples file")
    parser.add_argument("--json", action="store_true", help="print only the summary as one JSON line")
    args = parser.parse_args()
    only = None
    if args.only:
        only = {normalize(e["text"]) for e in yaml.safe_load(args.only.read_text(encoding="utf-8"))}
    scored, summary = run(args.data, args.folds, only)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        report(scored, summary)


if __name__ == "__main__":
    main()
