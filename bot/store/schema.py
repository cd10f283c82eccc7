"""The schema: Alembic migrations, applied at start-up by one process at a time."""
from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
LOCK_ID = 7215301  # PostgreSQL advisory lock taken while migrating and loading data/
log = logging.getLogger(__name__)


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration; say so in one line when it changed (Alembic's own
    lines, two on every start and command, are kept to warnings)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with engine.begin() as connection:
        before = revision(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = revision(connection)
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "empty", after)


def revision(connection: Connection) -> str | None:
    """The schema's migration now (None: an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Let one process at a time migrate and load: an advisory lock, or a lock file beside SQLite."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with open(f"{engine.url.database}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    else:
        yield
