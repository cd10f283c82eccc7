"""The database: engine and sessions, start-up, and the in-memory snapshot of the resource table.

Webhooks never query the resource table: they read ``Store.snapshot()``, built at start-up and
rebuilt by a background thread (``snapshots``) when another process changes the table, with the
classifier trained there too. With the database down, the snapshot comes from data/ and the bot
keeps answering.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator, Sequence

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from ..table.files import read_table
from ..table.changes import EntryChange
from ..table.model import Table
from ..table.validation import DataError, build_table
from .models import AuditEntry, TableState
from .engine import make_engine
from .schema import migrate, startup_lock
from .pending import Pending
from .tables import load_docs, save_table, table_version
from .snapshots import Builder, Snapshot, build

log = logging.getLogger(__name__)


class StaleTable(Exception):
    """The table changed between reading it and saving a change to it."""


class Store:
    """The database extension: ``Store().init_app(app)``; ``get_store()`` finds it again."""

    def init_app(self, app: Flask) -> None:
        """Connect to DATABASE_URL, make sure the table is there, and build the snapshot."""
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = self.engine.execution_options(read_only=True)
        self.data_dir = app.config["DATA_DIR"]
        self.refresh_seconds = app.config["TABLE_REFRESH_SECONDS"]
        self.pending = Pending(self.sessions, app.config["WRITE_BATCH_SECONDS"],
                               timedelta(hours=app.config["RETENTION_HOURS"]))
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.models_dir = Path(app.instance_path) / "models"  # trained models, by training data
        self.builder = Builder(self._background, max(self.refresh_seconds, 0.2))
        app.extensions["store"] = self
        self.start(seed=app.config["LOAD_DATA_IF_EMPTY"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction on a plain connection: on SQLite it takes no write lock, so it
        never waits for a writer (the hot path of every webhook)."""
        with self.read_engine.begin() as connection:
            yield connection

    def start(self, seed: bool) -> None:
        """Migrate the schema, load data/ into an empty table, build the snapshot; survive a dead database."""
        try:
            with startup_lock(self.engine):
                migrate(self.engine)
                if seed:
                    self._seed()
            self.refresh(force=True)
        except (SQLAlchemyError, OSError) as exc:
            log.error("database unavailable at start-up (%s: %s); answering from data/", type(exc).__name__,
                      str(exc).splitlines()[0][:200])
        if self._snapshot is None:
            try:
                self._snapshot = build(read_table(self.data_dir), None, None, self.models_dir, wait=True)
            except DataError as exc:
                log.error("no resource table: data/ has problems:\n%s", exc)

    def _seed(self) -> None:
        """Load data/ when the database has never had a table."""
        try:
            with self.session() as session:
                if table_version(session) is None:
                    save_table(session, read_table(self.data_dir))
                    log.info("loaded the resource table from %s", self.data_dir)
        except IntegrityError:
            log.info("another process loaded the resource table first")
        except DataError as exc:
            log.error("the database is empty and data/ has problems, so nothing was loaded:\n%s", exc)

    def replace_table(self, table: Table, who: str = "", changes: Sequence[EntryChange] = (),
                      action: str = "replace table", expected_version: int | None = None) -> int:
        """Write ``table`` and its audit entries in one transaction and use it at once; the new version.

        With ``expected_version``, refuse (StaleTable) if someone else changed the table since.
        """
        with self.session() as session:
            state = session.get(TableState, 1, with_for_update=True)
            if expected_version is not None and (state.version if state else None) != expected_version:
                raise StaleTable("the table was changed by someone else meanwhile")
            version = save_table(session, table)
            session.add_all(AuditEntry(who=who, action=action, target=c.target, old=c.old, new=c.new)
                            for c in changes)
        self._snapshot = build(table, version, self._snapshot, self.models_dir, wait=self.refresh_seconds == 0)
        return version

    def snapshot(self) -> Snapshot | None:
        """The snapshot that is ready; a background thread builds the next one (with
        TABLE_REFRESH_SECONDS=0, the version is checked and a new one built right here)."""
        if self.refresh_seconds > 0:
            self.builder.ensure()
        elif time.monotonic() - self._checked >= self.refresh_seconds:
            try:
                self.refresh()
            except SQLAlchemyError as exc:
                log.warning("could not check the resource table (%s); using the one in memory",
                            type(exc).__name__)
        return self._snapshot

    def current_table(self) -> Table | None:
        """The table as the database holds it now (None if it has none), read fresh."""
        with Session(self.read_engine) as session, session.begin():
            if table_version(session) is None:
                return None
            return build_table(load_docs(session))

    def refresh(self, force: bool = False) -> None:
        """Rebuild the snapshot if the table's version changed (one process at a time). At start-up
        (``force``) and with TABLE_REFRESH_SECONDS=0 its model is trained here; otherwise the new
        table (and its examples) is used at once with the previous model until ``_background``
        has trained the new one."""
        if not self._lock.acquire(blocking=force):
            return
        try:
            self._checked = time.monotonic()
            with self.reading() as connection:
                version = table_version(connection)
            if version is not None and version != (self._snapshot.version if self._snapshot else None):
                with Session(self.read_engine) as session, session.begin():
                    version = table_version(session)  # the table read in the same transaction
                    table = build_table(load_docs(session))
                self._snapshot = build(table, version, self._snapshot, self.models_dir,
                                       wait=force or self.refresh_seconds == 0)
        except DataError as exc:
            log.error("the resource table in the database has problems; keeping the previous one:\n%s", exc)
        finally:
            self._lock.release()


    def _background(self) -> None:
        """One round of the background thread: a newer table, or the model a saved change needs."""
        try:
            self.refresh()
        except SQLAlchemyError as exc:
            log.warning("could not check the resource table (%s)", type(exc).__name__)
        current = self._snapshot
        if current is not None and current.model_key != current.wanted_key:
            ready = build(current.table, current.version, current, self.models_dir, wait=True)
            with self._lock:
                if self._snapshot is current:
                    self._snapshot = ready


def get_store() -> Store:
    """The current app's Store."""
    return current_app.extensions["store"]
