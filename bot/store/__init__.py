"""The database: engine and sessions, start-up, and the in-memory snapshot of the resource table.

Webhooks never query the resource table: they read ``Store.snapshot()``, built at start-up and
rebuilt by a background thread (``snapshots``) when another process changes the table, with the
classifier trained there too. With the database down, the snapshot comes from data/ and the bot
keeps answering. Every call on a
webhook's path goes through ``Store.guard`` (``breaker``): bounded in time, and skipped while the
database is held to be down; an opt-out that could not be written waits in ``Store.spool``.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from contextlib import contextmanager
from datetime import timedelta
from typing import Callable, Iterator, Sequence

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from ..table.files import read_table
from ..table.changes import EntryChange, changes as entry_changes
from ..table.files import docs_from_table
from ..table.model import Table
from ..table.validation import DataError, Problem, build_table
from .models import AuditEntry
from .engine import make_engine
from .schema import migrate, startup_lock
from .breaker import Breaker
from .pending import Pending
from .spool import Spool
from . import senders
from .tables import add_missing_documents, follow_release, load_docs, save_table, table_version
from .snapshots import Builder, Snapshot, build

log = logging.getLogger(__name__)


class StaleTable(Exception):
    """The table changed between reading it and saving a change to it; ``changes``: how the live
    table differs from the one the change was based on."""

    def __init__(self, message: str, changes: Sequence[EntryChange] = ()):
        """The message, and what changed meanwhile."""
        super().__init__(message)
        self.changes = tuple(changes)


SNAPSHOT = object()  # replace_table's default base: the version of this worker's snapshot
Check = Callable[[Table], list[Problem]]  # the safety check (review.safety), handed in by create_app


class Store:
    """The database extension: ``Store(check).init_app(app)``; ``get_store()`` finds it again.
    No table that fails ``check`` is ever saved or used."""

    def __init__(self, check: Check | None = None):
        """``check``: a table's safety problems (none: only what loading checks)."""
        self.check = check or (lambda table: [])

    def checked(self, table: Table) -> Table:
        """``table`` if it passes the safety check, else DataError with the reasons."""
        problems = self.check(table)
        if problems:
            raise DataError(list(problems))
        return table

    def init_app(self, app: Flask) -> None:
        """Connect to DATABASE_URL, make sure the table is there, and build the snapshot."""
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = self.engine.execution_options(read_only=True)
        self.one_read_engine = self.read_engine.execution_options(single_statement=True)  # ``read``: no BEGIN
        self.data_dir = app.config["DATA_DIR"]
        self.refresh_seconds = app.config["TABLE_REFRESH_SECONDS"]
        self.train = app.config["TRAIN_NEW_MODELS"]
        self.guard = Breaker(self._ping, app.config["DATABASE_DEADLINE_SECONDS"], on_recover=self._catch_up)
        name = hashlib.sha256(url.encode()).hexdigest()[:12]  # one spool per database
        self.spool = Spool(Path(app.instance_path) / f"optout-spool-{name}.json")
        self.pending = Pending(self.sessions, app.config["WRITE_BATCH_SECONDS"],
                               timedelta(hours=app.config["RETENTION_HOURS"]), self.guard)
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

    def read(self, fn, *args):
        """``fn(connection, *args)``, one read-only statement (its own snapshot), bounded in time (``guard``)."""
        def run():
            with self.one_read_engine.begin() as connection:
                return fn(connection, *args)
        return self.guard.call(run)

    def write(self, fn, *args):
        """``fn(session, *args)`` in a transaction, bounded in time (``guard``)."""
        def run():
            with self.session() as session:
                return fn(session, *args)
        return self.guard.call(run)

    def healthy(self) -> bool:
        """True when the database answers now (within the deadline); False at once while it is held down."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and not Path(database).exists():
            return False  # SQLite would make a new, empty file
        try:
            self.guard.call(self._ping)
        except SQLAlchemyError:
            return False
        return True

    def _ping(self) -> None:
        """One round trip to the database."""
        with self.reading() as connection:
            connection.execute(text("SELECT 1"))

    def _catch_up(self) -> None:
        """The database is back: write the spooled opt-outs and what is pending."""
        with self.session() as session:
            self.spool.replay(lambda sender, simulated, opted_out:
                              senders.save_opt_out(session, sender, opted_out, simulated))
        self.pending.flush()

    def start(self, seed: bool) -> None:
        """Migrate the schema, load data/ into an empty table, build the snapshot; survive a dead database."""
        try:
            with startup_lock(self.engine):
                migrate(self.engine)
                if seed:
                    self._seed()
            self._catch_up()
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
                    follow_release(session, self.data_dir, self.check)
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

    def close(self) -> None:
        """Stop the background threads, write what is pending and close the connections (an app
        that is done: a test's, or a worker's at exit)."""
        self.builder.stop()
        self.pending.close()
        self.guard.close()
        self.engine.dispose()

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
                    table = build_table(load_docs(session))
                self._snapshot = build(self.checked(table), version, self._snapshot, self.models_dir, wait=force)
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
        except SQLAlchemyError as exc:
            log.warning("could not check the resource table (%s)", type(exc).__name__)
        current = self._snapshot
        if self.train and current is not None and current.model_key != current.wanted_key:
            ready = build(current.table, current.version, current, self.models_dir, wait=True)
            with self._lock:
                if self._snapshot is current:
                    self._snapshot = ready


def get_store() -> Store:
    """The current app's Store."""
    return current_app.extensions["store"]
