"""``flask --app bot evaluate PATH [--json]``: labelled texts answered as first texts on /sms, scored."""
from __future__ import annotations

import json
from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext

from ..conversation import inbox
from ..review import evaluation
from ..store import get_store


@click.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per text, then a summary line.")
@with_appcontext
def evaluate(path: str, as_json: bool) -> None:
    """Answer each text of PATH (YAML: text, lang, topics, not) as a new sender's first text; score it."""
    try:
        items = evaluation.cases(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValueError) as exc:
        raise click.ClickException(f"{path}: {exc}")
    store = get_store()
    snapshot = store.snapshot()
    if snapshot is None:
        raise click.ClickException("no resource table: run `flask --app bot load-data`")
    topics = [t.key for t in snapshot.table.topics]
    scored, summary = evaluation.score(items, lambda text: inbox.first_text(store, text), topics)
    if as_json:
        for s in scored:
            click.echo(json.dumps({"text": s.case.text, "topics": list(s.outcome.topics),
                                   "language": s.outcome.language, "reply": s.outcome.body}, ensure_ascii=False))
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    click.echo(f"{'topic':<14}{'recall':>8}{'precision':>11}")
    for t, (found, labelled) in summary.recall.items():
        good, matched = summary.precision.get(t, (0, 0))
        click.echo(f"{t:<14}{_pct(found, labelled):>8}{_pct(good, matched):>11}   ({found}/{labelled}, {good}/{matched})")
    data = summary.as_dict()
    click.echo(f"right: {summary.right}/{summary.total} = {data['share_right']:.1%}")
    click.echo(f"language accuracy: {data['language_accuracy']:.1%}")
    click.echo(f"DANGER recall: {data['danger_recall']:.1%}")
    wrong = [s for s in scored if not s.right]
    if wrong:
        click.echo(f"\nwrong ({len(wrong)}):")
    for s in wrong:
        click.echo(f"- {s.case.text!r}\n    wanted {sorted(s.case.topics)}{' not ' + str(sorted(s.case.never)) if s.case.never else ''}"
                   f" {s.case.language}; got {list(s.outcome.topics)} {s.outcome.language}")


def _pct(a: int, b: int) -> str:
    """a/b as a percentage ("-" when b is 0)."""
    return f"{a / b:.0%}" if b else "-"
