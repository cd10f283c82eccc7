"""README.md and the guides in docs/: every code block marked ``# runs-as-is`` runs exactly as written
on a fresh clone (the README's blocks first, then each guide's, by file name), every command they
show uses the one documented form, ``.venv/bin/flask --app bot ...``, the README's two set-up commands
come first, and every link between them leads somewhere.

The clone gets no virtual environment of its own (too slow): ``.venv/bin/flask`` and
``.venv/bin/python`` in it are small scripts that run this interpreter with the clone first on the path.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "# runs-as-is"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
SETTINGS = ("DATABASE_URL", "DATA_DIR", "SECRET_KEY", "SENDER_HASH_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID",
            "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_API_BASE_URL", "PUBLIC_BASE_URL", "PROXY_FIX",
            "SESSION_COOKIE_SECURE", "FLASK_APP")


SET_UP = ("make run     # installs and serves the bot on http://127.0.0.1:5000, SQLite in instance/, data/ loaded\n"
          "make test    # installs the test dependencies and runs the whole test suite\n")
LINK = re.compile(r"\]\((?!https?:|mailto:)([^)#\s]*)(?:#([^)\s]*))?\)")


def documents(root: Path) -> list[str]:
    """The README, then the guides in docs/ by file name: the order their blocks run in."""
    return ["README.md"] + sorted(f"docs/{p.name}" for p in (root / "docs").glob("*.md"))


def anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def marked_blocks(text: str) -> list[str]:
    """The ```sh blocks whose first line is the marker, in order."""
    return [b for b in BLOCK.findall(text) if b.splitlines() and b.splitlines()[0].strip() == MARK]


def test_the_marking_rule_finds_only_marked_blocks():
    text = f"```sh\n{MARK}\necho one\n```\n\n```sh\necho two\n```\n\n   ```sh\n   {MARK}\n   x\n   ```\n"
    assert marked_blocks(text) == [f"{MARK}\necho one\n"]


def test_the_anchor_rule():
    assert anchor("Sender state in memory (2026-12-02)") == "sender-state-in-memory-2026-12-02"
    assert anchor("The phone menu: `data/menu.yaml`") == "the-phone-menu-datamenuyaml"


@pytest.mark.parametrize("name", documents(ROOT))
def test_every_command_uses_the_venv_and_the_app_flag(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert not re.findall(r"(?<!\.venv/bin/)\bflask --app", text)
    assert not re.findall(r"^\s*(flask|pytest|alembic|gunicorn|pip) ", text, re.M)
    assert ". .venv/bin/activate" not in text


def test_the_set_up_commands_come_first_and_blocks_run_everywhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^```\w*\n(.*?)^```", readme, re.M | re.S)[0] == SET_UP  # the first code block of all
    assert len(marked_blocks(readme)) >= 3
    guides = [name for name in documents(ROOT)[1:] if marked_blocks((ROOT / name).read_text(encoding="utf-8"))]
    assert {"docs/operations.md", "docs/staff.md"} <= set(guides)


@pytest.mark.parametrize("name", documents(ROOT))
def test_every_link_leads_to_a_file_and_heading(name):
    source = ROOT / name
    for path, fragment in LINK.findall(source.read_text(encoding="utf-8")):
        target = (source.parent / path).resolve() if path else source
        assert target.is_file(), f"{name}: ({path}) leads nowhere"
        if fragment and target.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", target.read_text(encoding="utf-8"), re.M)
            assert fragment in {anchor(h) for h in headings}, f"{name}: ({path}#{fragment}) names no heading"


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    """A git clone of this checkout's committed state, with .venv/bin/flask and python running this interpreter."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path_factory.mktemp("readme") / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    bin_dir = clone / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, run in (("flask", "-m flask"), ("python", "")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" {run} "$@"\n')
        script.chmod(0o755)
    (clone / "instance").mkdir()  # the trained models are a cache by content: shared, so trained once
    (ROOT / "instance" / "models").mkdir(parents=True, exist_ok=True)
    (clone / "instance" / "models").symlink_to(ROOT / "instance" / "models")
    return clone


def test_marked_blocks_run_on_a_fresh_clone(fresh_clone):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env["PYTHONPATH"] = str(fresh_clone)
    found = subprocess.run([str(fresh_clone / ".venv/bin/python"), "-c", "import bot; print(bot.__file__)"],
                           env=env, cwd=fresh_clone, capture_output=True, text=True, check=True)
    assert found.stdout.startswith(str(fresh_clone)), found.stdout  # the clone's code, not this checkout's
    blocks = [block for name in documents(fresh_clone)
              for block in marked_blocks((fresh_clone / name).read_text(encoding="utf-8"))]
    assert len(blocks) >= 6
    for block in blocks:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=fresh_clone, env=env,
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"{block}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert (fresh_clone / "instance" / "fallback" / "voice.xml").is_file()
