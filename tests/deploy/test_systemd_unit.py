"""deploy/helpline.service: systemd itself reads it (``systemd-analyze verify``) and rates its hardening
(``systemd-analyze security --offline``); skipped with the reason where systemd-analyze is missing."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA_DIR

ROOT = DATA_DIR.parent
UNIT = ROOT / "deploy" / "helpline.service"
GUNICORN = "/srv/helpline/.venv/bin/gunicorn"  # where the unit expects it; verify wants an executable there
MOST_EXPOSED = 2.0  # systemd's exposure score, 0 (locked down) to 10 (a unit with no hardening at all)


@pytest.fixture
def unit(tmp_path) -> Path:
    """A copy of the unit that starts this environment's gunicorn, for systemd-analyze to read."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    assert gunicorn.exists(), gunicorn
    text = UNIT.read_text()
    assert GUNICORN in text
    copy = tmp_path / "helpline.service"
    copy.write_text(text.replace(GUNICORN, str(gunicorn)))
    return copy


def verify(path: Path) -> list[str]:
    """What ``systemd-analyze verify`` says about the unit: [] when it loads cleanly."""
    done = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    said = [line for line in (done.stdout + done.stderr).splitlines() if path.name in line or path.as_posix() in line]
    return said + ([f"exit status {done.returncode}"] if done.returncode else [])


def test_systemd_reads_the_unit_without_a_complaint(unit):
    assert verify(unit) == []
    broken = unit.with_name("broken.service")  # the check is live: a misspelled option is reported
    broken.write_text(unit.read_text().replace("Restart=on-failure", "Restart=on-failure\nRestartt=always"))
    assert any("Restartt" in line for line in verify(broken))


def test_the_unit_is_hardened(unit):
    done = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True,
                          text=True, timeout=60)
    if "--offline" in done.stderr:
        pytest.skip(f"this systemd-analyze cannot rate a unit file offline: {done.stderr.strip()}")
    found = re.search(r"Overall exposure level for \S+: ([\d.]+)", done.stdout)
    assert found, done.stdout + done.stderr
    assert float(found.group(1)) <= MOST_EXPOSED, done.stdout


def test_the_unit_starts_the_shipped_gunicorn_config():
    exec_start = re.search(r"^ExecStart=(.*)$", UNIT.read_text(), re.M).group(1).split()
    config = exec_start[exec_start.index("--config") + 1]
    working = re.search(r"^WorkingDirectory=(.*)$", UNIT.read_text(), re.M).group(1)
    assert (ROOT / config).is_file() and working == "/srv/helpline"
    assert exec_start[0] == GUNICORN
