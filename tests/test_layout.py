"""The layout shows the architecture: wings with docstrings, and every import running downhill.

Checked statically (from each module's own import statements), so a wing that must stay plain
Python is checked without importing Flask at all.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
# What each wing may import of ours (besides itself). The faces sit on top; nothing imports them.
ALLOWED = {
    "web": {"conversation", "store", "table", "understanding", "phones", "privacy", "config", "twilio_api", "text",
            "metrics"},
    "console": {"conversation", "review", "reports", "store", "table", "understanding", "phones", "config",
                "twilio_api", "outreach", "text"},
    "commands": {"conversation", "review", "store", "table", "understanding", "phones", "config", "twilio_api",
                 "outreach", "text"},
    "review": {"conversation", "table", "understanding", "phones", "text", "outreach", "twilio_api"},
    "conversation": {"understanding", "table", "phones", "privacy", "text"},
    "store": {"table", "understanding", "phones", "privacy", "text", "metrics"},
    "reports": set(),
    "outreach": {"table", "understanding", "phones", "text"},
    "understanding": {"table.model", "text"},
    "table": {"text", "phones"},
    "phones": {"privacy"},
    "privacy": set(),
    "text": set(),
    "config": {"twilio_api"},
    "twilio_api": set(),
    "metrics": set(),
    "migrations": {"store"},
}
STORE_FACING = {"conversation.inbox"}  # the one conversation service that reads and writes through the store
PLAIN = ("conversation", "understanding", "table", "review", "reports", "outreach")  # no Flask, no database
FRAMEWORKS = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "alembic")


def modules() -> dict[str, Path]:
    """Every module of bot/, by its dotted name below ``bot`` ("conversation.menu")."""
    found = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> tuple[set[str], set[str]]:
    """(our modules it imports, below ``bot``; other top-level packages it imports)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (ours.add(alias.name[4:]) if alias.name.startswith("bot.") else others.add(alias.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if (node.module or "").split(".")[0] == "bot":
                    base = node.module[4:]
                else:
                    others.add((node.module or "").split(".")[0])
                    continue
            else:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                ours.add(full if full in MODULES else base)
    ours.discard("")
    return ours, others


MODULES = modules()


def wing(name: str) -> str:
    """The wing a module belongs to ("conversation.menu" -> "conversation")."""
    return name.split(".")[0]


def allowed(source: str, target: str) -> bool:
    """May ``source`` import ``target``?"""
    if wing(source) == wing(target) or target == "":
        return True
    rules = ALLOWED[wing(source)] | ({"store"} if source in STORE_FACING else set())
    return any(target == rule or target.startswith(rule + ".") for rule in rules)


def test_bot_has_few_top_level_modules_beside_its_wings():
    top = [p.name for p in BOT.glob("*.py")]
    assert len(top) <= 8, top


def test_every_package_says_what_it_holds():
    for init in BOT.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(BOT.parent)} needs a docstring saying what the wing holds"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n))
def test_imports_run_downhill(name):
    ours, _ = imports(name, MODULES[name])
    wrong = sorted(t for t in ours if not allowed(name, t))
    assert not wrong, f"bot.{name} imports {wrong}, which its wing ({wing(name)}) may not use"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if wing(n) in PLAIN and n not in STORE_FACING))
def test_the_domain_is_plain_python(name):
    """No Flask and no database in the domain wings, directly or through a module of ours."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in MODULES:
            continue
        seen.add(current)
        ours, others = imports(current, MODULES[current])
        used = sorted(set(others) & set(FRAMEWORKS))
        assert not used, f"bot.{name} reaches {used} through bot.{current}"
        todo += ours


def test_the_check_itself_sees_a_bad_import(tmp_path):
    """A module that imports flask, or a face, is caught (the rules above cannot pass by accident)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nfrom ..web import sms\n", encoding="utf-8")
    ours, others = imports("conversation.bad", bad)
    assert "flask" in others and "web.sms" in ours
    assert not allowed("conversation.bad", "web.sms")
    assert not allowed("store.tables", "conversation.texting")
    assert allowed("conversation.inbox", "store")


def test_no_two_wings_import_each_other():
    uses: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        uses.setdefault(wing(name), set()).update(wing(t) for t in imports(name, path)[0] if wing(t) != wing(name))
    both = sorted((a, b) for a, targets in uses.items() for b in targets if a < b and a in uses.get(b, set()))
    assert not both, f"these wings import each other: {both}"


def test_every_package_init_is_a_docstring_and_the_names_others_use():
    for init in BOT.rglob("__init__.py"):
        lines = init.read_text(encoding="utf-8").count("\n")
        assert lines <= 80, f"{init.relative_to(BOT.parent)} has {lines} lines: move its code into a module"


def test_no_two_modules_import_each_other():
    uses = {name: {t for t in imports(name, path)[0] if t in MODULES and t != name} for name, path in MODULES.items()}
    both = sorted((a, b) for a, targets in uses.items() for b in targets if a < b and a in uses.get(b, set()))
    assert not both, f"these modules import each other: {both}"
