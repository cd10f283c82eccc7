"""Settings from the environment (and .env), read when the app is created, never at import."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask

from .twilio_api import checked_base_url

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("SECRET_KEY", "SENDER_HASH_KEY")  # generated into the instance folder when unset
log = logging.getLogger(__name__)


def configure(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from the environment, then from ``test_config``; make missing keys."""
    if test_config is None:
        load_dotenv(ROOT / ".env")  # the shell's own variables win over .env
    env = os.environ.get
    app.config.from_mapping(
        TWILIO_AUTH_TOKEN=env("TWILIO_AUTH_TOKEN", ""),
        TWILIO_ACCOUNT_SID=env("TWILIO_ACCOUNT_SID", ""),
        TWILIO_API_KEY=env("TWILIO_API_KEY", ""),
        TWILIO_API_SECRET=env("TWILIO_API_SECRET", ""),
        TWILIO_API_BASE_URL=env("TWILIO_API_BASE_URL", ""),
        HELPLINE_NUMBER=env("HELPLINE_NUMBER", ""),  # the Twilio number people text and call (cards)
        DATABASE_URL=env("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'helpline.db'}",
        SECRET_KEY=env("SECRET_KEY", ""),
        SENDER_HASH_KEY=env("SENDER_HASH_KEY", ""),
        PUBLIC_BASE_URL=env("PUBLIC_BASE_URL", ""),
        METRICS_TOKEN=env("METRICS_TOKEN", ""),  # unset: /metrics answers 404
        FALLBACK_DIR=env("FALLBACK_DIR") or str(Path(app.instance_path) / "fallback"),  # fallback-twiml's files
        PROXY_FIX=_int("PROXY_FIX", env("PROXY_FIX", "0")),
        DATA_DIR=env("DATA_DIR") or str(ROOT / "data"),
        TABLE_REFRESH_SECONDS=_int("TABLE_REFRESH_SECONDS", env("TABLE_REFRESH_SECONDS", "2")),
        SENDER_REFRESH_SECONDS=_seconds("SENDER_REFRESH_SECONDS", env("SENDER_REFRESH_SECONDS", "1")),
        TRAIN_NEW_MODELS=_flag("TRAIN_NEW_MODELS", env("TRAIN_NEW_MODELS", "1")),  # off: a changed table keeps its model
        VERIFY_DAYS=_int("VERIFY_DAYS", env("VERIFY_DAYS", "90")),
        RATE_LIMIT=_int("RATE_LIMIT", env("RATE_LIMIT", "30")),  # replies per sender per window
        RATE_LIMIT_SECONDS=_int("RATE_LIMIT_SECONDS", env("RATE_LIMIT_SECONDS", "600")),
        TEXTBACK_PER_CALLER_PER_DAY=_int("TEXTBACK_PER_CALLER_PER_DAY", env("TEXTBACK_PER_CALLER_PER_DAY", "3")),
        TEXTBACK_PER_HOUR=_int("TEXTBACK_PER_HOUR", env("TEXTBACK_PER_HOUR", "30")),  # every caller together
        TEXTBACK_COUNTRY_CODES=_country_codes(env("TEXTBACK_COUNTRY_CODES", "1")),  # 1: North America
        RETENTION_HOURS=_int("RETENTION_HOURS", env("RETENTION_HOURS", "24")),
        WRITE_BATCH_SECONDS=_int("WRITE_BATCH_SECONDS", env("WRITE_BATCH_SECONDS", "1")),
        DATABASE_DEADLINE_SECONDS=_seconds("DATABASE_DEADLINE_SECONDS", env("DATABASE_DEADLINE_SECONDS", "2")),
        LOAD_DATA_IF_EMPTY=True,
        MAX_CONTENT_LENGTH=64 * 1024,  # webhooks and forms; Twilio's webhooks are a few KB
        TABLE_SAVE_MAX_BYTES=_int("TABLE_SAVE_MAX_BYTES", env("TABLE_SAVE_MAX_BYTES", str(4 * 1024 * 1024))),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_flag("SESSION_COOKIE_SECURE", env("SESSION_COOKIE_SECURE", "")),  # None: as the request
    )
    if test_config:
        app.config.update(test_config)
    try:
        app.config["TWILIO_API_BASE_URL"] = checked_base_url(app.config["TWILIO_API_BASE_URL"])
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["GENERATED_KEYS"] = tuple(name for name in KEYS if not app.config[name])
    for name in app.config["GENERATED_KEYS"]:
        app.config[name] = _instance_key(app, name)


def _int(name: str, value: str) -> int:
    """A whole-number setting, or a clear error naming it."""
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _country_codes(value: str) -> frozenset[int]:
    """Country calling codes, comma-separated ("1,52"), or a clear error naming the setting."""
    codes = [code.strip().lstrip("+") for code in value.split(",") if code.strip()]
    if not all(code.isdigit() and 1 <= len(code) <= 3 for code in codes):
        raise RuntimeError(f"TEXTBACK_COUNTRY_CODES must be country calling codes with commas, e.g. 1,52, not {value!r}")
    return frozenset(int(code) for code in codes)


def _seconds(name: str, value: str) -> float:
    """A positive number of seconds, or a clear error naming it."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds < 3600:
        raise RuntimeError(f"{name} must be a number of seconds above 0, not {value!r}")
    return seconds


def _flag(name: str, value: str) -> bool | None:
    """1/0 (true/false, yes/no) as a bool; empty as None (decided per request)."""
    value = value.strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value in ("1", "true", "yes", "on")
    raise RuntimeError(f"{name} must be 1, 0 or empty, not {value!r}")


def _instance_key(app: Flask, name: str) -> str:
    """A key generated once and kept in the instance folder (fine for one machine only)."""
    path = key_file(app.instance_path, name)
    try:
        with open(path, "x", encoding="ascii") as f:  # only the first process creates it
            f.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
        log.warning("%s is not set: generated one in %s. Several machines must all set the same %s.",
                    name, path, name)
    except FileExistsError:
        pass
    return path.read_text(encoding="ascii").strip()


def key_file(instance_path: str, name: str) -> Path:
    """Where a generated SECRET_KEY or SENDER_HASH_KEY is kept."""
    return Path(instance_path) / name.lower()
