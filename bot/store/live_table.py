"""The live table in each worker: loaded at start-up, kept in memory as a snapshot, replaced by a
new version, and followed in the background when another process changes it.

``LiveTable`` is the table half of ``Store`` (``extension.py``): it uses the database half's sessions,
engines and guard. Webhooks never query the table: they read ``snapshot()``. With the database down,
the snapshot comes from data/ and the bot keeps answering.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from typing import Callable, Sequence

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..table.changes import EntryChange, changes as entry_changes
from ..table.files import docs_from_table, read_table
from ..table.model import Table
from ..table.load import DataError, Problem, build_table
from .models import AuditEntry
from ..understanding.understander import fingerprint, training_data
from . import model_cache
from .schema import migrate, startup_lock
from .snapshots import Snapshot, build
from .tables import add_missing_documents, follow_release, load_docs, save_table, table_version

log = logging.getLogger("bot.store")
CHECKED_KEPT = 4  # checked tables kept in a process, by content (a worker needs one or two)
_CHECKED: OrderedDict = OrderedDict()  # (check, sha256 of the documents) -> the built, checked table
SNAPSHOT = object()  # replace_table's default base: the version of this worker's snapshot
Check = Callable[[Table], list[Problem]]  # the safety check (review.gate), handed in by create_app


class StaleTable(Exception):
    """The table changed between reading it and saving a change to it; ``changes``: how the live
    table differs from the one the change was based on."""

    def __init__(self, message: str, changes: Sequence[EntryChange] = ()):
        """The message, and what changed meanwhile."""
        super().__init__(message)
        self.changes = tuple(changes)



class LiveTable:
    """Start-up, the snapshot and its refresh, and saves of new versions (mixed into ``Store``).
    No table that fails ``check`` is ever saved or used."""

    check: Check
    pruned_for: str | None = None  # the model this process last pruned the model cache for
    release_key: str | None = None  # the fingerprint of data/'s model ("": data/ cannot be read)

    def checked(self, table: Table) -> Table:
        """``table`` if it passes the safety check, else DataError with the reasons."""
        problems = self.check(table)
        if problems:
            raise DataError(list(problems))
        return table

    def _checked_table(self, documents: dict) -> Table:
        """The table the documents build, safety-checked (DataError if not): once per content in a
        process, so workers and apps that read the same version do not build and check it again."""
        key = (self.check, hashlib.sha256(json.dumps(documents, sort_keys=True, default=str).encode()).digest())
        table = _CHECKED.get(key)
        if table is None:
            table = self.checked(build_table(documents))
            _CHECKED[key] = table
            while len(_CHECKED) > CHECKED_KEPT:
                _CHECKED.popitem(last=False)
        return table

    def start(self, seed: bool) -> None:
        """Migrate the schema, load data/ into an empty table, build the snapshot; survive a dead database."""
        try:
            with startup_lock(self.engine):
                migrate(self.engine)
                if seed:
                    self._seed()
            self._catch_up()
            self.refresh(force=True)
            if self._snapshot is None and seed:  # the saved table fails today's checks
                with startup_lock(self.engine), self.session() as session:
                    follow_release(session, self.data_dir, self.check)
                self.refresh(force=True)
        except (SQLAlchemyError, OSError) as exc:
            log.error("database unavailable at start-up (%s: %s); answering from data/", type(exc).__name__,
                      str(exc).splitlines()[0][:200])
        if self._snapshot is None:
            try:
                table = self.checked(read_table(self.data_dir))
                self._snapshot = build(table, None, None, self.models_dir, wait=True)
            except DataError as exc:
                log.error("no resource table: data/ has problems:\n%s", exc)

    def _seed(self) -> None:
        """Load data/ when the database has never had a table."""
        try:
            with self.session() as session:
                if table_version(session) is None:
                    save_table(session, self.checked(read_table(self.data_dir)), what="start-up",
                               note=f"loaded {self.data_dir}")
                    log.info("loaded the resource table from %s", self.data_dir)
                else:  # a table saved by an earlier release
                    add_missing_documents(session, self.data_dir)
        except IntegrityError:
            log.info("another process loaded the resource table first")
        except DataError as exc:
            log.error("the database is empty and data/ has problems, so nothing was loaded:\n%s", exc)

    def replace_table(self, table: Table, who: str = "", changes: Sequence[EntryChange] = (),
                      action: str = "replace table", *, expected_version: int | None | object = SNAPSHOT,
                      base: Table | None = None, note: str = "") -> int:
        """Append ``table`` as the newest version, with its audit entries, in one transaction and use
        it at once; the new version's number.

        Only over the version the change was based on (``expected_version``; None: the database
        has no table yet; by default the version of this worker's snapshot), else StaleTable with
        what changed since ``base`` (or what differs from ``table``). A table that fails the safety
        check is refused (DataError).
        """
        self.checked(table)
        if expected_version is SNAPSHOT:
            expected_version = self._snapshot.version if self._snapshot else None
        try:
            with self.session() as session:
                live = table_version(session)
                if live != expected_version:
                    raise self._stale(session, live, expected_version, base or table)
                version = save_table(session, table, who, action, note, after=live or 0)
                session.add_all(AuditEntry(who=who, action=action, target=c.target, old=c.old, new=c.new,
                                           version=version) for c in changes)
        except IntegrityError:  # another save took the number first
            with self.session() as session:
                raise self._stale(session, table_version(session), expected_version, base or table) from None
        self._snapshot = build(table, version, self._snapshot, self.models_dir, wait=False)
        self._train_later()
        return version

    @staticmethod
    def _stale(session: Session, live: int | None, expected: int | None, base: Table) -> StaleTable:
        """The refusal of a change based on version ``expected`` while ``live`` is the newest."""
        now = build_table(load_docs(session)) if live is not None else None
        differ = entry_changes(docs_from_table(base), docs_from_table(now)) if now else []
        return StaleTable(f"the table was changed meanwhile (version {live}, the change was based on "
                          f"{expected if expected is not None else 'data/'})", differ)

    def snapshot(self) -> Snapshot | None:
        """The snapshot that is ready; a background thread builds the next one (with
        TABLE_REFRESH_SECONDS=0, the version is checked and a new one built right here, its model
        trained by the background thread)."""
        if self.refresh_seconds > 0:
            self.builder.ensure()
        else:
            try:
                self.guard.call(self.refresh)
            except SQLAlchemyError as exc:
                log.warning("could not check the resource table (%s); using the one in memory",
                            type(exc).__name__)
        return self._snapshot

    def current_table(self) -> Table | None:
        """The table as the database holds it now (None if it has none), read fresh."""
        return self.live()[1]

    def live(self) -> tuple[int | None, Table | None]:
        """The database's table version and table, read in one transaction ((None, None): no table)."""
        with Session(self.read_engine) as session, session.begin():
            version = table_version(session)
            if version is None:
                return None, None
            return version, build_table(load_docs(session))

    def refresh(self, force: bool = False) -> None:
        """Rebuild the snapshot if the table's version changed (one process at a time). At start-up
        (``force``) its model is trained here; otherwise the new table (and its examples) is used at
        once with the previous model until ``_background`` has trained the new one."""
        if not self._lock.acquire(blocking=force):
            return
        try:
            self._checked = time.monotonic()
            with self.reading() as connection:
                version = table_version(connection)
            if version is not None and version != (self._snapshot.version if self._snapshot else None):
                with Session(self.read_engine) as session, session.begin():
                    version = table_version(session)  # the table read in the same transaction
                    table = self._checked_table(load_docs(session))
                self._snapshot = build(table, version, self._snapshot, self.models_dir, wait=force)
                self._train_later()
        except DataError as exc:
            log.error("the resource table in the database has problems; keeping the previous one:\n%s", exc)
        finally:
            self._lock.release()

    def _train_later(self) -> None:
        """A snapshot waiting for its model gets it from the background thread (never in a request);
        with TRAIN_NEW_MODELS off (tests), it keeps the previous model."""
        if self.train and self._snapshot is not None and self._snapshot.model_key != self._snapshot.wanted_key:
            self.builder.ensure()

    def _background(self) -> None:
        """One round of the background thread: a newer table (bounded in time, skipped while the
        database is held to be down), or the model a saved change needs."""
        try:
            self.guard.call(self.refresh)
            self.table_checks.succeeded()
        except SQLAlchemyError as exc:
            self.table_checks.failed(type(exc).__name__)
        current = self._snapshot
        if self.train and current is not None and current.model_key != current.wanted_key:
            ready = build(current.table, current.version, current, self.models_dir, wait=True)
            with self._lock:
                if self._snapshot is current:
                    self._snapshot = ready
        self._prune_models()

    def _prune_models(self) -> None:
        """Once this process serves a model it did not prune for: delete the cached models no worker
        may still serve (``model_cache.prune``), keeping this one, the one wanted and data/'s."""
        current = self._snapshot
        if current is None or current.model_key == self.pruned_for:
            return

        def in_use() -> set[str]:
            """This one, the one wanted and data/'s (read only if needed)."""
            return {current.model_key, current.wanted_key, self._release_key()} - {""}

        model_cache.prune(self.models_dir, in_use)
        self.pruned_for = current.model_key

    def _release_key(self) -> str:
        """The fingerprint of data/'s model, the one a worker serves while the database is down ("":
        data/ cannot be read); read once, and only when the cache holds more than it keeps anyway."""
        if self.release_key is None:
            try:
                self.release_key = fingerprint(training_data(read_table(self.data_dir)))
            except (DataError, OSError):
                self.release_key = ""
        return self.release_key
