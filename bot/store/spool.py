"""Opt-outs (and opt-ins) that could not be written to the database, kept in a small file in the
instance folder until it is back, so that a STOP survives a database outage and a worker restart.

Only the sender's keyed hash and the new state are kept, never a number or a message. Every
worker shares the file (under a lock) and sees the others' entries.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

log = logging.getLogger(__name__)
KEEP = 100_000  # senders kept at most


class Spool:
    """``put`` a sender's opt-out state; ``get`` it back; ``replay`` writes them all and forgets them."""

    def __init__(self, path: str | Path):
        """The spool file (created when first needed)."""
        self.path = Path(path)
        self.entries: dict[str, bool] = {}
        self.seen: float | None = None  # mtime of the file when last read
        self.lock = threading.Lock()

    def get(self, sender: str, simulated: bool = False) -> bool | None:
        """The spooled opt-out state of a sender, or None when nothing is spooled."""
        self._reload()
        return self.entries.get(_key(sender, simulated))

    def put(self, sender: str, simulated: bool, opted_out: bool) -> None:
        """Keep a sender's new state until it is written."""
        with self._locked() as entries:
            entries[_key(sender, simulated)] = opted_out
            while len(entries) > KEEP:
                entries.pop(next(iter(entries)))

    def drop(self, sender: str, simulated: bool = False) -> None:
        """Forget a sender (their state was written)."""
        if self.get(sender, simulated) is not None:
            with self._locked() as entries:
                entries.pop(_key(sender, simulated), None)

    def replay(self, write: Callable[[str, bool, bool], None]) -> int:
        """Write every spooled state with ``write(sender, simulated, opted_out)``; how many were written.
        An entry that fails stays for the next time."""
        self._reload()
        if not self.entries:
            return 0
        with self._locked() as entries:
            done = []
            for key, opted_out in list(entries.items()):
                simulated, sender = key.split(":", 1)
                write(sender, simulated == "1", opted_out)
                done.append(key)
            for key in done:
                entries.pop(key, None)
        log.info("wrote %d spooled opt-out change(s) to the database", len(done))
        return len(done)

    def _reload(self) -> None:
        """Read the file again if another worker changed it."""
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime != self.seen:
            with self.lock:
                self.entries, self.seen = _read(self.path), mtime

    @contextmanager
    def _locked(self) -> Iterator[dict[str, bool]]:
        """The entries as the file holds them, under a file lock; written back afterwards."""
        with self.lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(f"{self.path}.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                entries = _read(self.path)
                try:
                    yield entries
                finally:
                    temp = self.path.with_suffix(".tmp")
                    temp.write_text(json.dumps(entries), encoding="ascii")
                    os.chmod(temp, 0o600)
                    os.replace(temp, self.path)
                    self.entries, self.seen = entries, self.path.stat().st_mtime_ns


def _key(sender: str, simulated: bool) -> str:
    """"0:<hash>" for a real sender, "1:<hash>" for a simulated one."""
    return f"{int(simulated)}:{sender}"


def _read(path: Path) -> dict[str, bool]:
    """The spool's entries ({} when there is no file or it is damaged)."""
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError):
        log.error("the opt-out spool %s cannot be read; starting a new one", path)
        return {}
    return {str(k): bool(v) for k, v in data.items()} if isinstance(data, dict) else {}
