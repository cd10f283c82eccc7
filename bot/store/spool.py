"""Sender changes (STOP, START, discreet, language), kept in a small file in the instance folder from
the moment they are made until the database has them, so that they survive a database outage and
a worker restart, and every worker of the machine holds them at its next round.

Only the sender's keyed hash and the new state (language, opted out, discreet) are kept, never a
number or a message. Every worker shares the file (under a lock) and reads the others' entries
into its memory on each round (``live_senders``), so one worker emptying it after an outage takes
nothing from another. A state's None keeps what was held: an entry of an older spool (an
opt-out alone) has language and discreet None.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from .. import metrics

State = tuple[Optional[str], Optional[bool], Optional[bool]]  # language, opted out, discreet (None: kept)

log = logging.getLogger(__name__)
KEEP = 100_000  # senders kept at most


class Spool:
    """``put`` a sender's new state; ``entries_now`` reads them all; ``replay`` writes and forgets them."""

    def __init__(self, path: str | Path):
        """The spool file (created when first needed)."""
        self.path = Path(path)
        self.entries: dict[str, State] = {}
        self.seen: float | None = None  # mtime of the file when last read
        self.lock = threading.Lock()

    def entries_now(self) -> dict[tuple[str, bool], State]:
        """Every spooled change, as the file holds it now: (sender, simulated) -> state."""
        self._reload()
        return {(key.split(":", 1)[1], key.startswith("1:")): state for key, state in self.entries.items()}

    def held(self, sender: str, simulated: bool = False) -> bool:
        """True when a change of this sender is spooled."""
        self._reload()
        return _key(sender, simulated) in self.entries

    def put(self, sender: str, simulated: bool, state: State) -> State:
        """Keep a sender's new state until it is written, merged with one spooled (a change sets what it
        says); the entry as spooled (OSError: the file cannot be written)."""
        with self._locked() as entries:
            held = entries.get(_key(sender, simulated))
            entry = entries[_key(sender, simulated)] = tuple(state) if held is None else tuple(
                new if new is not None else old for new, old in zip(state, held))
            while len(entries) > KEEP:
                entries.pop(next(iter(entries)))
        return entry

    def drop(self, sender: str, simulated: bool = False, written: State | None = None) -> None:
        """Forget a sender (their state was written); with ``written``, only while the entry is still
        that state (a change spooled meanwhile, by another worker too, stays)."""
        with self._locked() as entries:
            if written is None or entries.get(_key(sender, simulated)) == tuple(written):
                entries.pop(_key(sender, simulated), None)

    def replay(self, write: Callable[[str, bool, State], None]) -> int:
        """Write every spooled state with ``write(sender, simulated, state)``; how many were written.
        An entry that fails stays for the next time."""
        self._reload()
        if not self.entries:
            return 0
        with self._locked() as entries:
            done = []
            for key, state in list(entries.items()):
                simulated, sender = key.split(":", 1)
                write(sender, simulated == "1", state)
                done.append(key)
            for key in done:
                entries.pop(key, None)
        if done:
            log.info("wrote %d spooled sender change(s) to the database", len(done))
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
            metrics.SPOOL.set(len(self.entries))

    @contextmanager
    def _locked(self) -> Iterator[dict[str, State]]:
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
                    metrics.SPOOL.set(len(entries))


def _key(sender: str, simulated: bool) -> str:
    """"0:<hash>" for a real sender, "1:<hash>" for a simulated one."""
    return f"{int(simulated)}:{sender}"


def _read(path: Path) -> dict[str, State]:
    """The spool's entries ({} when there is no file or it is damaged)."""
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError):
        log.error("the sender spool %s cannot be read; starting a new one", path)
        return {}
    return {str(k): _state(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _state(value) -> State:
    """An entry's state; an older spool's opt-out alone (a bool) keeps the rest as held."""
    if isinstance(value, list) and len(value) == 3:
        return (value[0] if isinstance(value[0], str) else None, None if value[1] is None else bool(value[1]),
                None if value[2] is None else bool(value[2]))
    return (None, bool(value), None)
