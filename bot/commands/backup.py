"""``backup DIR`` and ``restore DIR``: a consistent copy of the database with the keys it cannot do
without, and that copy put back.

SQLite is copied with its online backup API (the bot may keep answering meanwhile); PostgreSQL with
``pg_dump`` and ``pg_restore`` (PostgreSQL's client tools). The keys go beside the copy: the senders'
opt-outs are stored as keyed hashes, so without SENDER_HASH_KEY every STOP is forgotten.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import URL
from sqlalchemy.exc import SQLAlchemyError

from ..config import KEYS, key_file
from ..store import get_store
from ..store.engine import make_engine
from ..store.schema import migrate, revision
from ..store.tables import table_version

MANIFEST, KEYS_FILE = "backup.json", "keys.env"
COPIES = {"sqlite": "helpline.db", "postgresql": "helpline.pgdump"}
PG_TOOLS = "/usr/lib/postgresql/*/bin"  # Debian's PostgreSQL packages, when not on PATH
LOST = {"SENDER_HASH_KEY": "every opt-out (STOP) is forgotten and every sender is a stranger",
        "SECRET_KEY": "every console session ends"}


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup(folder: Path) -> None:
    """Write a consistent copy of the database and its keys into FOLDER (new or empty)."""
    store, config = get_store(), current_app.config
    kind = _kind(store.engine.url)
    if (folder / MANIFEST).exists():
        raise click.ClickException(f"{folder} already holds a backup: give a new folder (e.g. dated)")
    try:
        with store.session() as session:
            version, schema = table_version(session), revision(session.connection())
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database does not answer ({type(exc).__name__}): nothing written")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # it holds the keys
    copy = folder / COPIES[kind]
    if kind == "sqlite":
        _sqlite_copy(Path(store.engine.url.database), copy)
    else:
        _pg("pg_dump", store.engine.url, "--format=custom", "--no-owner", "--no-privileges", f"--file={copy}")
    _write_private(folder / KEYS_FILE, "".join(f"{name}={config[name]}\n" for name in KEYS))
    made = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _write_private(folder / MANIFEST, json.dumps({"database": kind, "copy": copy.name, "schema": schema,
                                                  "table_version": version, "made_at": made}, indent=2))
    click.echo(f"Wrote {copy}: the database (schema {schema}, table version {version}) as of {made}.")
    click.echo(f"Wrote {folder / KEYS_FILE}: SECRET_KEY and SENDER_HASH_KEY. Keep it with the copy and as secret as "
               "it. Without SENDER_HASH_KEY every opt-out (STOP) in the copy is forgotten: the senders are stored "
               "as keyed hashes, and no other key finds them.")
    click.echo(f"Put it back with: flask --app bot restore {folder}")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
def restore(folder: Path, yes: bool) -> None:
    """Replace the configured database with the backup in FOLDER (stop every instance first)."""
    store, config = get_store(), current_app.config
    url, manifest = store.engine.url, _manifest(folder)
    kind = _kind(url)
    if manifest["database"] != kind:
        raise click.ClickException(f"the backup is of a {manifest['database']} database, DATABASE_URL names a "
                                   f"{kind} one: restore it into a {manifest['database']} database")
    keys = _keys(folder / KEYS_FILE)
    click.echo(f"The backup of {manifest['made_at']} (table version {manifest['table_version']}) replaces everything "
               f"in {url.render_as_string(hide_password=True)}.")
    if not yes:
        click.confirm("Replace the database with the backup?", abort=True)
    store.close()  # its connections and threads end; what it had pending is written first
    if kind == "sqlite":
        _sqlite_copy(folder / manifest["copy"], Path(url.database))
    else:
        _pg("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            str(folder / manifest["copy"]))
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        migrate(engine)  # a backup of an earlier release gets this release's schema
    finally:
        engine.dispose()
    click.echo(f"Restored the database from {folder}.")
    if not _same_keys(keys, config):
        raise click.exceptions.Exit(1)
    click.echo("Start every instance of the bot again: each reads the restored table and senders at start.")


def _same_keys(keys: dict[str, str], config) -> bool:
    """Check the keys in use are the backup's; a generated one is replaced by the backup's. False when
    a key set in the environment differs (said plainly)."""
    same = True
    for name in KEYS:
        if keys.get(name, config[name]) == config[name]:
            continue
        if name in config["GENERATED_KEYS"]:
            _write_private(key_file(current_app.instance_path, name), keys[name])
            click.echo(f"{name} was generated here: replaced by the backup's in instance/{name.lower()}.")
        else:
            same = False
            click.echo(f"WARNING: {name} differs from the backup's: set {name} to the value in the backup's "
                       f"{KEYS_FILE} and restart, or {LOST[name]}.", err=True)
    return same


def _kind(url: URL) -> str:
    """"sqlite" or "postgresql"; a ClickException for anything else (or SQLite in memory)."""
    kind = url.get_backend_name()
    if kind not in COPIES or (kind == "sqlite" and url.database in (None, "", ":memory:")):
        raise click.ClickException(f"backup and restore know SQLite files and PostgreSQL, not {url.drivername}")
    return kind


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with SQLite's online backup (a consistent copy, page by page)."""
    if not source.exists():
        raise click.ClickException(f"{source} does not exist")
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg(tool: str, url: URL, *args: str) -> None:
    """Run pg_dump or pg_restore on the database of ``url`` (its password in the environment, not the
    command line); a ClickException saying what failed."""
    found = shutil.which(tool) or max(glob.glob(f"{PG_TOOLS}/{tool}"), key=_major, default=None)
    if found is None:
        raise click.ClickException(
            f"{tool} was not found (on PATH or in {PG_TOOLS}). Install PostgreSQL's client tools of the server's "
            f"version or newer (Debian: apt-get install postgresql-client) and run this again; by hand: "
            f"pg_dump --format=custom --file=DIR/{COPIES['postgresql']} 'postgresql://USER@HOST/DATABASE'")
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run([found, *args, f"--dbname={target}"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        said = " ".join(done.stderr.strip().splitlines()[-3:])
        raise click.ClickException(f"{tool} failed ({done.returncode}): {said}")


def _major(path: str) -> int:
    """The major version in /usr/lib/postgresql/VERSION/bin/TOOL (newest first: it reads older servers)."""
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def _manifest(folder: Path) -> dict:
    """The backup's description; a ClickException when FOLDER holds no backup."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if (folder / manifest["copy"]).is_file() and manifest["database"] in COPIES:
            return manifest
    except (OSError, ValueError, KeyError, TypeError):
        pass
    raise click.ClickException(f"{folder} holds no backup made by `flask --app bot backup`")


def _keys(path: Path) -> dict[str, str]:
    """The keys of a backup's keys.env (NAME=value lines)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        raise click.ClickException(f"{path} is missing: without the backup's SENDER_HASH_KEY its opt-outs are "
                                   "forgotten; put the keys file back first") from None
    pairs = dict(line.split("=", 1) for line in lines if "=" in line)
    return {name: pairs[name].strip() for name in KEYS if pairs.get(name, "").strip()}


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read."""
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    path.write_text(text, encoding="utf-8")
