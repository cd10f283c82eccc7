"""The trained models' folder (instance/models) keeps only what may still be used.

A model is a file ``<fingerprint>.pickle``, written through ``<fingerprint>.<pid>.part`` while a
process trains it under the lock ``<fingerprint>.lock`` (``snapshots``). Each use of a model touches
its file, so the last used ones are those any worker may still serve: ``prune`` keeps the models a
process names as in use and the ``KEPT_MODELS`` last used, and deletes every other model, every
lock no process holds, and partial files left by a process that died while writing one.
"""
from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import Callable, Iterable

log = logging.getLogger(__name__)
KEPT_MODELS = 4  # models kept, in the folder and in each process, beyond those in use: the last used
PARTIAL_SECONDS = 600  # a partial model file this old was left by a process that died writing it


def used(folder: Path | None, key: str) -> None:
    """Mark the model file of ``key`` as just used (its time), so no process prunes it soon."""
    if folder is not None:
        try:
            os.utime(folder / f"{key}.pickle")
        except OSError:
            pass  # not saved (yet), or not writable: nothing to keep


def prune(folder: Path, in_use: Callable[[], Iterable[str]], kept: int = KEPT_MODELS,
          now: float | None = None) -> list[str]:
    """Delete from ``folder`` the models neither in use nor among the ``kept`` last used, the locks no
    process holds and partial files older than ``PARTIAL_SECONDS``; the names deleted, logged.
    ``in_use()`` names the models in use; it is called only when there are more than ``kept``."""
    try:
        models = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return []  # no folder, or a file went meanwhile: the next round prunes
    beyond = models[kept:]
    keep = set(in_use()) if beyond else set()
    now = time.time() if now is None else now
    stale = [p for p in beyond if p.stem not in keep]
    stale += [p for p in folder.glob("*.part") if _older(p, now - PARTIAL_SECONDS)]
    deleted = [p.name for p in stale if _delete(p)]
    deleted += [p.name for p in folder.glob("*.lock") if _delete_unheld(p)]
    if deleted:
        log.info("pruned the model cache %s: %s", folder, ", ".join(sorted(deleted)))
    return deleted


def _older(path: Path, than: float) -> bool:
    """True when ``path`` was last written before ``than`` (seconds since the epoch)."""
    try:
        return path.stat().st_mtime < than
    except OSError:
        return False


def _delete(path: Path) -> bool:
    """Delete ``path``; True if it was deleted here."""
    try:
        path.unlink()
        return True
    except OSError:
        return False


def _delete_unheld(lock: Path) -> bool:
    """Delete a lock file no process holds (one that trains holds it); True if deleted here."""
    try:
        with open(lock, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock.unlink()
            return True
    except OSError:  # held (BlockingIOError), or gone meanwhile
        return False
