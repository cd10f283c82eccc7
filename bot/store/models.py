"""SQLAlchemy 2.0 models: the resource table's versions, and what the bot remembers about senders."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from ..table.problems import CODE_LENGTH


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


def fitted(*names: str):
    """A validator that cuts the labels ``names`` (who, what, a target's name) to their column's length,
    so a long path or entry name never fails a save."""

    @validates(*names)
    def fit(self, name: str, value: str | None) -> str | None:
        """``value``, at most as long as the column ``name``."""
        return value if value is None else value[:self.__table__.c[name].type.length]

    return fit


class TableVersion(Base):
    """One version of the resource table, appended and never changed: the newest is the live table."""

    __tablename__ = "table_version"
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    documents: Mapped[dict] = mapped_column(JSON)  # data/'s file name -> its content, as checked
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    who: Mapped[str] = mapped_column(String(254), default="")
    what: Mapped[str] = mapped_column(String(40))  # load-data, console save, teach, rollback, start-up
    note: Mapped[str] = mapped_column(Text, default="")  # the change in words
    _fit = fitted("who", "what")


class _SenderColumns:
    """What the bot remembers of a sender, keyed by an HMAC of their number, never the number."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(CODE_LENGTH))  # the table checks every code fits
    opted_out: Mapped[bool] = mapped_column(default=False)
    discreet: Mapped[bool] = mapped_column(default=False)  # discreet replies until turned off
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 index=True)  # workers read what changed


class Sender(_SenderColumns, Base):
    """A real texter."""

    __tablename__ = "sender"


class SimulatedSender(_SenderColumns, Base):
    """A texter of the staff simulators: kept apart so tests never touch real senders."""

    __tablename__ = "simulated_sender"


class Staff(Base):
    """A console account. Passwords are stored hashed (werkzeug's scrypt)."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="staff")  # "staff" or "admin"
    session_token: Mapped[str | None] = mapped_column(String(64))  # changed at sign-out: old cookies stop working
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginFailure(Base):
    """Wrong sign-ins per client address and per email (known or not), both keyed hashes; rows expire."""

    __tablename__ = "login_failure"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AnsweredMessage(Base):
    """A MessageSid already answered, hashed, so a retry by Twilio gets the same reply, counted once.

    It keeps what the reply was made of (topics, language), never the text; rows expire.
    """

    __tablename__ = "answered_message"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC of the MessageSid
    topics: Mapped[str] = mapped_column(Text, default="")  # comma-separated topic keys, "+" before a line's
    language: Mapped[str] = mapped_column(String(CODE_LENGTH))
    silent: Mapped[bool] = mapped_column(default=False)  # answered with an empty <Response/>
    discreet: Mapped[bool] = mapped_column(default=False)  # answered in discreet wording
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class RateWindow(Base):
    """How many replies a sender got in one fixed time window (sender hashed; rows expire)."""

    __tablename__ = "rate_window"
    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)  # window number since the epoch
    count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class TextBackCount(Base):
    """How many texts of the numbers during a call were sent in one window: per caller and day (the
    caller's keyed hash, never the number), and for every caller together per hour; rows expire."""

    __tablename__ = "text_back_count"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # a caller's hash, or "*": every caller
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # day (a caller's) or hour (all) since the epoch
    count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class UsageCount(Base):
    """Counts per day of what the line was used for: never a number, a hash or a body."""

    __tablename__ = "usage_count"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # topic, unmatched, language, menu, connected
    key: Mapped[str] = mapped_column(String(60), primary_key=True)  # a menu choice is the longest: a code, how
    # ("silence"), " -> " and a line's key (table/problems.py bounds codes and keys to fit)
    count: Mapped[int] = mapped_column(default=0)


class AuditEntry(Base):
    """Who changed what in the resource table, when, with the old and the new value."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    who: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120))
    old: Mapped[str | None] = mapped_column(Text)  # the entry as YAML (None: added)
    new: Mapped[str | None] = mapped_column(Text)  # (None: removed)
    version: Mapped[int | None] = mapped_column(Integer)  # the table version the change made
    _fit = fitted("who", "action", "target")
