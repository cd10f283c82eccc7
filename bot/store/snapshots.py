"""Snapshots of the resource table (table, understanding, trained model), built off the request path.

Training is deterministic and keyed by the training data (examples, keywords, hints), so a model is
trained once per content: kept in this process (``MODELS``, the few last used) and as a file in the
instance folder, which the other workers and the next start read instead of training again; the folder keeps only
what may still be used (``model_cache.prune``).
"""
from __future__ import annotations

import fcntl
import logging
import os
import pickle
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .. import metrics
from ..table.model import Table
from ..understanding.classifier import Model
from ..understanding.understander import Understander, fingerprint, train_model, training_data
from . import model_cache
from .model_cache import KEPT_MODELS

log = logging.getLogger(__name__)
MODELS: dict[str, Model] = {}  # fingerprint -> model, shared by every app in this process, last used last
_TRAINING = threading.Lock()
_HELD = threading.Lock()
UNDERSTANDERS: dict[tuple[int, int], tuple] = {}  # (id of table, id of model) -> (table, model, understander)


@dataclass(frozen=True)
class Snapshot:
    table: Table
    understander: Understander  # keywords, examples and the classifier: ``understander.match(text)``
    version: int | None  # None: read from data/, not from the database
    model_key: str = ""  # the fingerprint of the model in use ("" : none yet)
    wanted_key: str = ""  # the fingerprint this table's model has; differs while it trains


def cached_model(key: str, folder: Path | None) -> Model | None:
    """The model for ``key`` from this process or the instance folder, if it was trained before."""
    model = MODELS.get(key)
    if model is None and folder is not None:
        try:
            model = pickle.loads((folder / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
    if model is not None:
        _hold(key, model)
    return model


def _hold(key: str, model: Model) -> None:
    """Keep ``model`` in this process as the last used, and only the ``KEPT_MODELS`` last used."""
    with _HELD:
        MODELS.pop(key, None)
        MODELS[key] = model
        while len(MODELS) > KEPT_MODELS:
            MODELS.pop(next(iter(MODELS)))


def trained_model(table: Table, folder: Path | None) -> tuple[str, Model]:
    """The table's model: cached, or trained now (one training at a time in a process, and one per
    content among the processes sharing ``folder``: the others wait and read its file)."""
    data = training_data(table)
    key = fingerprint(data)
    with _TRAINING, _folder_lock(folder, key):
        model = cached_model(key, folder)
        if model is None:
            log.info("training the classifier on %d examples", len(table.examples))
            model = train_model(data)
            _hold(key, model)
            _save(folder, key, model)
    return key, model


@contextmanager
def _folder_lock(folder: Path | None, key: str) -> Iterator[None]:
    """An exclusive lock on ``key`` among the processes that share ``folder`` (none without a folder)."""
    lock = None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / f"{key}.lock", "a")
        except OSError:  # not writable: this process trains on its own
            lock = None
    if lock is None:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build(table: Table, version: int | None, previous: Snapshot | None, folder: Path | None,
          wait: bool) -> Snapshot:
    """A snapshot of ``table``; without ``wait``, an untrained model is replaced by the previous one
    (its examples still match exactly at once) until the background build trains it."""
    metrics.TABLE_VERSION.set(version or 0)
    key = fingerprint(training_data(table))
    model = cached_model(key, folder)
    if model is None and wait:
        key, model = trained_model(table, folder)
    if model is not None:
        model_cache.used(folder, key)
        return Snapshot(table, _understander(table, model), version, key, key)
    old = previous.understander.model if previous else None
    return Snapshot(table, _understander(table, old), version, previous.model_key if previous else "", key)


def _understander(table: Table, model: Model | None) -> Understander:
    """The understander of ``table`` with ``model``: made once per (table, model) in a process."""
    made = UNDERSTANDERS.get((id(table), id(model)))
    if made is None or made[0] is not table or made[1] is not model:  # ids are reused once objects go
        made = UNDERSTANDERS[(id(table), id(model))] = (table, model, Understander(table, model))
        while len(UNDERSTANDERS) > 4:
            UNDERSTANDERS.pop(next(iter(UNDERSTANDERS)))
    return made[2]


def _save(folder: Path | None, key: str, model: Model) -> None:
    """Write the model where the other workers find it (atomically); errors are only logged."""
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.{os.getpid()}.part"
        partial.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(folder / f"{key}.pickle")
    except OSError as exc:
        log.warning("could not cache the trained model (%s)", exc)


class Builder:
    """A daemon thread that calls ``step`` every ``seconds`` (the table check and any training)."""

    def __init__(self, step: Callable[[], None], seconds: float, name: str = "table-snapshots"):
        """Remember what to run; the thread (``name``) starts on the first ``ensure``."""
        self.step, self.seconds, self.name = step, seconds, name
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def ensure(self) -> None:
        """Start the thread in this process if it is not running (a forked worker starts its own). Its
        loop outlives any error, so only a fork loses it: the process id tells, for every text."""
        if self.pid == os.getpid() or self.stopped.is_set():
            return
        with self.lock:
            if self.pid != os.getpid():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
                self.pid = os.getpid()

    def _run(self) -> None:
        """Run ``step`` every ``seconds`` from the start of one to the start of the next (a slow step
        does not stretch the period), until ``stop``; an error is logged and the next round tries again."""
        due = time.monotonic() + self.seconds
        while not self.stopped.wait(max(due - time.monotonic(), 0.0)):
            try:
                self.step()
            except Exception:  # noqa: BLE001 - the thread must survive anything
                log.exception("%s: a round failed; trying again", self.name)
            due += self.seconds
            if due < time.monotonic():  # a step longer than the period: a whole period's rest after it
                due = time.monotonic() + self.seconds

    def stop(self) -> None:
        """End the thread after the round it is in (for a clean shutdown)."""
        self.stopped.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)
