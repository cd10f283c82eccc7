"""Read the resource table's files in data/ (YAML) and build the table from them."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..phones import display
from .model import Table
from .load import ALL_FILES, FILES, REPLY_TESTS, DataError, Problem, build_table

MAX_FILE_BYTES = 128 * 1024  # one table file; data/'s are a few KB
LARGER_FILES = {"examples.yaml": 1024 * 1024}  # the classifier's examples: thousands of lines
MAX_TABLE_BYTES = 2 * 1024 * 1024  # all of them together
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: ten times faster


class TooLarge(ValueError):
    """A table file that is too large, or uses YAML aliases; the message says why."""


class UnreadableValue(yaml.YAMLError):
    """A value YAML parses but Python cannot hold (a number of thousands of digits)."""


def max_bytes(name: str) -> int:
    """The largest the table file ``name`` may be."""
    return LARGER_FILES.get(name, MAX_FILE_BYTES)


def parse_yaml(text: str, name: str) -> object:
    """One table file's YAML, refused (TooLarge) when over ``max_bytes(name)`` or when it uses aliases
    (an alias repeats a part without limit: a 2 KB file can render as hundreds of MB), and
    (UnreadableValue, a YAMLError) when it holds a number Python cannot read."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes(name):
        raise TooLarge(f"{name} is {size // 1024} KB; it may have at most {max_bytes(name) // 1024} KB")
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise TooLarge(f"{name} uses a YAML alias (*name); write each part out instead")
    try:
        return yaml.load(text, Loader=LOADER)
    except ValueError as exc:  # Python reads no integer of more than 4,300 digits; nor a 30 February
        if "digits" in str(exc):
            raise UnreadableValue(f"a number in {name} has thousands of digits; the table's numbers are small") from None
        raise UnreadableValue(f"{name}: a value cannot be read ({exc})") from None


TEMPLATES = Path(__file__).resolve().parent.parent.parent / "data"  # whose comment headers exports keep
HEADER = ("# {name}: part of the helpline's resource table.\n"
          "# Edit, check with `flask --app bot check-data FOLDER`, load with `flask --app bot load-data FOLDER`.\n")


EXAMPLES_HEADER = (
    "# Texts as people write them, and the topics each one needs (topics: [] = none, the keyword menu).\n"
    "# The classifier learns the topics from them; each text also gets its own topics exactly.\n"
    "# One example a line: - {text: \"...\", lang: es, topics: [HOTLINE]}\n"
    "# discreet: true marks a text that says the sender's phone is watched (the classifier learns it too).\n")


def example_line(example: dict) -> str:
    """One example as one line of examples.yaml (a JSON string is a YAML double-quoted string)."""
    topics = ", ".join(example.get("topics") or [])
    watched = ", discreet: true" if example.get("discreet") else ""
    return (f'- {{text: {json.dumps(example["text"], ensure_ascii=False)}, lang: {example["lang"]}, '
            f'topics: [{topics}]{watched}}}')


def examples_text(examples: list[dict] | None) -> str:
    """examples.yaml as written: the header, then one example a line."""
    return EXAMPLES_HEADER + "".join(example_line(e) + "\n" for e in examples or [])


def read_docs(folder: str | Path) -> dict[str, object]:
    """Parse every table file in ``folder``; a missing folder or a YAML error is a DataError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), "(folder)", "no such folder")])
    docs, problems, total = {}, [], 0
    for name in FILES:
        path = folder / name
        try:
            total += path.stat().st_size
            if path.stat().st_size > max_bytes(name):
                raise TooLarge(f"is {path.stat().st_size // 1024} KB; it may have at most {max_bytes(name) // 1024} KB")
            docs[name] = parse_yaml(path.read_text(encoding="utf-8"), name)
        except FileNotFoundError:
            problems.append(Problem(name, "(file)", f"missing from {folder}"))
        except TooLarge as exc:
            problems.append(Problem(name, "(file)", str(exc)))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "(file)", f"cannot be read: {exc}"))
    if total > MAX_TABLE_BYTES and not problems:
        problems.append(Problem(str(folder), "(folder)", f"the table files have {total // 1024} KB together; "
                                                         f"at most {MAX_TABLE_BYTES // 1024} KB"))
    if problems:
        raise DataError(problems)
    if (folder / REPLY_TESTS).is_file():
        docs[REPLY_TESTS] = read_reply_tests(folder)
    return docs


def read_table(folder: str | Path) -> Table:
    """The checked ``Table`` from the files in ``folder``."""
    return build_table(read_docs(folder))


def read_reply_tests(folder: str | Path) -> object:
    """The parsed reply_tests.yaml of ``folder`` (None when there is none)."""
    path = Path(folder) / "reply_tests.yaml"
    try:
        return parse_yaml(path.read_text(encoding="utf-8"), path.name)
    except FileNotFoundError:
        return None
    except TooLarge as exc:
        raise DataError([Problem(path.name, "(file)", str(exc))]) from None
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
        REPLY_TESTS: {channel: [dict(row) for row in rows] for channel, rows in table.reply_tests.items()},
        "discreet.yaml": _discreet(table),
        "interpreters.yaml": _interpreting(table),
        "examples.yaml": [{"text": e.text, "lang": e.language, "topics": list(e.topics),
                           **({"discreet": True} if e.discreet else {})} for e in table.examples],
    }


def header(name: str) -> str:
    """The comment lines at the top of data/'s ``name`` (what its fields mean), or a short generic one."""
    try:
        lines = (TEMPLATES / name).read_text(encoding="utf-8").splitlines()
    except OSError:
        return HEADER.format(name=name)
    top = []
    for line in lines:
        if line.startswith("#") or (not line.strip() and top):
            top.append(line)
        else:
            break
    while top and not top[-1].strip():
        top.pop()
    return "\n".join(top) + "\n\n" if top else HEADER.format(name=name)


def write_docs(docs: dict[str, object], folder: str | Path) -> list[Path]:
    """Write each document as YAML in ``folder`` under its explanatory comments, deterministically
    (same table, same bytes): every file load-data reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ALL_FILES:
        path = folder / name
        if name == "examples.yaml":
            text = examples_text(docs.get(name))
        else:
            text = header(name) + yaml.safe_dump(docs.get(name) or {}, allow_unicode=True, sort_keys=False,
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


def _discreet(table: Table) -> dict[str, object] | None:
    """discreet.yaml's document."""
    d = table.discreet
    if d is None:
        return None
    lists = lambda m: {lang: list(words) for lang, words in m.items()}  # noqa: E731
    return {"turn_on": lists(d.on), "keyword": dict(d.keyword), "turn_off": lists(d.off), "forbidden": lists(d.forbidden),
            "names": {k: dict(v) for k, v in d.names.items()}, "intros": {k: dict(v) for k, v in d.intros.items()},
            "messages": {lang: dict(words) for lang, words in d.messages.items()}}


def _interpreting(table: Table) -> dict[str, object] | None:
    """interpreters.yaml's document."""
    i = table.interpreting
    if i is None:
        return None
    lines = []
    for line in i.lines:
        detect = ({"lingua": line.lingua} if line.lingua else {"script": line.script} if line.script
                  else {"words": list(line.words)})
        if line.writing:
            detect["writing"] = line.writing
        if line.lingua and line.words:
            detect["words"] = list(line.words)
        lines.append({"code": line.code, "name": line.name, "detect": detect, "line": line.line,
                      "reviewed": line.reviewed})
    return {"resource": i.resource, "max_segments": i.max_segments, "essentials": dict(i.essentials), "lines": lines}
