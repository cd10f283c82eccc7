"""Read the resource table's files in data/ (YAML) and build the table from them."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..phones import display
from .model import Table
from .validation import FILES, DataError, Problem, build_table

HEADER = ("# {name}: the helpline's resource table, written by `flask --app bot export-data`.\n"
          "# Edit, check with `flask --app bot check-data FOLDER`, load with `flask --app bot load-data FOLDER`.\n")


EXAMPLES_HEADER = (
    "# Texts as people write them, and the topics each one needs (topics: [] = none, the keyword menu).\n"
    "# The classifier learns the topics from them; each text also gets its own topics exactly.\n"
    "# One example a line: - {text: \"...\", lang: es, topics: [HOTLINE]}\n")


def example_line(example: dict) -> str:
    """One example as one line of examples.yaml (a JSON string is a YAML double-quoted string)."""
    topics = ", ".join(example.get("topics") or [])
    return f'- {{text: {json.dumps(example["text"], ensure_ascii=False)}, lang: {example["lang"]}, topics: [{topics}]}}'


def examples_text(examples: list[dict] | None) -> str:
    """examples.yaml as written: the header, then one example a line."""
    return EXAMPLES_HEADER + "".join(example_line(e) + "\n" for e in examples or [])


def read_docs(folder: str | Path) -> dict[str, object]:
    """Parse every table file in ``folder``; a missing folder or a YAML error is a DataError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), "(folder)", "no such folder")])
    docs, problems = {}, []
    for name in FILES:
        path = folder / name
        try:
            docs[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem(name, "(file)", f"missing from {folder}"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "(file)", f"cannot be read: {exc}"))
    if problems:
        raise DataError(problems)
    return docs


def read_table(folder: str | Path) -> Table:
    """The checked ``Table`` from the files in ``folder``."""
    return build_table(read_docs(folder))


def read_reply_tests(folder: str | Path) -> object:
    """The parsed reply_tests.yaml of ``folder`` (None when there is none)."""
    path = Path(folder) / "reply_tests.yaml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError([Problem(path.name, "(file)", f"cannot be read: {exc}")]) from None


def docs_from_table(table: Table) -> dict[str, object]:
    """The table as data/'s documents, in one canonical form (for export, diffs and the console)."""
    return {
        "languages.yaml": {l.code: {"name": l.name, "switch": list(l.switch), "hints": list(l.hints),
                                    "max_segments": l.max_segments, "gsm7": l.gsm7, "voice": l.voice,
                                    "speech": l.speech, **({"topic_segments": l.topic_segments}
                                                           if l.topic_segments else {})}
                           for l in table.languages.values()},
        "organizations.yaml": [{"key": o.key, "name": dict(o.name), "about": dict(o.about)}
                               for o in table.organizations.values()],
        "resources.yaml": [_resource(r) for r in table.resources.values()],
        "topics.yaml": {"unmatched": {"resources": list(table.unmatched)}, "start": table.start_topic,
                        **({"safety": {rule: {lang: list(p) for lang, p in by_lang.items()}
                                       for rule, by_lang in table.safety.items()}} if table.safety else {}),
                        "topics": [{"key": t.key, "name": dict(t.name), "urgency": t.urgency, "intro": dict(t.intro),
                                    "resources": list(t.resources), "organizations": list(t.organizations),
                                    "keywords": {lang: list(words) for lang, words in t.keywords.items()}}
                                   for t in table.topics]},
        "messages.yaml": {lang: dict(sorted(words.items())) for lang, words in table.messages.items()},
        "menu.yaml": {"fallback": table.fallback, "prompts": {k: dict(v) for k, v in sorted(table.prompts.items())},
                      "options": [_option(o) for o in table.menu]},
        "examples.yaml": [{"text": e.text, "lang": e.language, "topics": list(e.topics)} for e in table.examples],
    }


def write_docs(docs: dict[str, object], folder: str | Path) -> list[Path]:
    """Write each document as YAML in ``folder``, deterministically (same table, same bytes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        path = folder / name
        if name == "examples.yaml":
            text = examples_text(docs[name])
        else:
            text = HEADER.format(name=name) + yaml.safe_dump(docs[name], allow_unicode=True, sort_keys=False,
                                                             width=100)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _resource(r) -> dict[str, object]:
    """One resource as an entry of resources.yaml."""
    entry = {"key": r.key, "organization": r.organization, "name": dict(r.name), "short": dict(r.short),
             "description": dict(r.description), "phone": display(r.phone)}
    if r.text:
        entry["text"] = display(r.text)
    entry.update(hours=r.hours.text(), languages=list(r.languages), last_verified=r.last_verified)

    if r.verified_by:
        entry["verified_by"] = r.verified_by
    return entry


def _option(o) -> dict[str, object]:
    """One menu option as an entry of menu.yaml."""
    entry: dict[str, object] = {"key": o.key, "action": o.action}
    if o.resource:
        entry["resource"] = o.resource
    if o.language:
        entry["language"] = o.language
    entry["menus"] = list(o.menus)
    if o.keywords:
        entry["keywords"] = {lang: list(words) for lang, words in o.keywords.items()}
    if o.prompt:
        entry["prompt"] = dict(o.prompt)
    return entry
