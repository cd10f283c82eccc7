"""Migrations at start-up say one line when they change the schema; Alembic's own INFO lines stay out
of every command's output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``flask --app bot ARGS`` as an operator does, on ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "s", "SENDER_HASH_KEY": "h",
           "TRAIN_NEW_MODELS": "0", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_commands_print_no_alembic_lines(empty_database_url):
    first = flask(empty_database_url, "versions")
    assert first.returncode == 0, first.stderr
    assert "alembic" not in (first.stdout + first.stderr).lower()
    assert "database schema upgraded from empty to " in first.stderr
    again = flask(empty_database_url, "versions")
    assert again.returncode == 0, again.stderr
    assert "alembic" not in (again.stdout + again.stderr).lower()
    assert "schema upgraded" not in again.stderr
    assert "start-up: loaded" in again.stdout
