"""SQLAlchemy 2.0 models: the resource table, and what the bot remembers about senders."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Language(Base):
    __tablename__ = "language"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    switch: Mapped[list] = mapped_column(JSON)  # words that switch a sender to it
    hints: Mapped[list] = mapped_column(JSON)  # common words that show a text is in it
    max_segments: Mapped[int]
    voice: Mapped[str] = mapped_column(String(60))
    speech: Mapped[str] = mapped_column(String(20))
    gsm7: Mapped[bool] = mapped_column(default=False)
    topic_segments: Mapped[int] = mapped_column(default=0)  # longest reply to one topic (0: max_segments)


class Organization(Base):
    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[dict] = mapped_column(JSON)  # language -> text
    about: Mapped[dict] = mapped_column(JSON)
    resources: Mapped[list[Resource]] = relationship(back_populates="organization")


class Resource(Base):
    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int]
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    organization: Mapped[Organization] = relationship(back_populates="resources")
    name: Mapped[dict] = mapped_column(JSON)
    short: Mapped[dict] = mapped_column(JSON, default=dict)  # the short name SMS replies use
    description: Mapped[dict] = mapped_column(JSON)
    phone: Mapped[str] = mapped_column(String(20))  # E.164, or an emergency number
    text_number: Mapped[str | None] = mapped_column(String(20))
    hours: Mapped[str] = mapped_column(String(200))  # "24/7", "unknown" or "mon-fri 09:00-17:00; ..."
    languages: Mapped[list] = mapped_column(JSON)
    last_verified: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(String(200))


class Topic(Base):
    __tablename__ = "topic"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    urgency: Mapped[int]
    name: Mapped[dict] = mapped_column(JSON)  # the word to text, per language
    intro: Mapped[dict] = mapped_column(JSON)
    resources: Mapped[list] = mapped_column(JSON)  # resource keys, in order
    organizations: Mapped[list] = mapped_column(JSON)  # organization keys, in order
    keywords: Mapped[list[Keyword]] = relationship(back_populates="topic", cascade="all, delete-orphan")


class Keyword(Base):
    __tablename__ = "keyword"
    __table_args__ = (UniqueConstraint("topic_id", "language", "phrase"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    topic: Mapped[Topic] = relationship(back_populates="keywords")
    language: Mapped[str] = mapped_column(String(8))
    phrase: Mapped[str] = mapped_column(String(120))  # as staff wrote it


class Example(Base):
    """A text as people write it and the topics it needs: what the classifier learns from."""

    __tablename__ = "example"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    topics: Mapped[list] = mapped_column(JSON)  # topic keys ([]: needs none)
    discreet: Mapped[bool] = mapped_column(default=False, server_default=false())  # says the phone is watched


class Wording(Base):
    """A piece of SMS wording (channel "sms") or a voice prompt (channel "voice")."""

    __tablename__ = "wording"
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    texts: Mapped[dict] = mapped_column(JSON)  # language -> text (or list, for day names)


class MenuOption(Base):
    __tablename__ = "menu_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(1))
    action: Mapped[str] = mapped_column(String(20))
    resource_key: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str | None] = mapped_column(String(8))
    menus: Mapped[list] = mapped_column(JSON)  # languages whose menu offers it
    prompt: Mapped[dict] = mapped_column(JSON)
    keywords: Mapped[dict] = mapped_column(JSON, default=dict)  # language -> phrases a caller may say


class ReplyTest(Base):
    """One row of reply_tests.yaml: what a texter (channel "sms") or caller ("voice") must get."""

    __tablename__ = "reply_test"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    position: Mapped[int]
    case: Mapped[dict] = mapped_column(JSON)  # the row as staff wrote it: text/steps, numbers/hears/dials


class TableState(Base):
    """One row: the table's version (bumped on every change) and table-wide settings."""

    __tablename__ = "table_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    unmatched: Mapped[list] = mapped_column(JSON, default=list)
    start_topic: Mapped[str] = mapped_column(String(40), default="")
    fallback: Mapped[str] = mapped_column(String(60), default="")  # the phone menu's 24/7 fallback line
    safety: Mapped[dict] = mapped_column(JSON, default=dict)  # rule -> language -> phrases (topics.yaml)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TableDocument(Base):
    """A whole checked document of the table kept as it is: discreet.yaml, interpreters.yaml (issue 13)."""

    __tablename__ = "table_document"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # the file name
    content: Mapped[dict] = mapped_column(JSON)


class _SenderColumns:
    """What the bot remembers of a sender, keyed by an HMAC of their number, never the number."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    opted_out: Mapped[bool] = mapped_column(default=False)
    discreet: Mapped[bool] = mapped_column(default=False)  # issue 13: discreet replies until turned off
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


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
    topics: Mapped[str] = mapped_column(String(200), default="")  # comma-separated topic keys
    language: Mapped[str] = mapped_column(String(8))
    silent: Mapped[bool] = mapped_column(default=False)  # answered with an empty <Response/>
    discreet: Mapped[bool] = mapped_column(default=False)  # issue 13: answered in discreet wording
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class RateWindow(Base):
    """How many replies a sender got in one fixed time window (sender hashed; rows expire)."""

    __tablename__ = "rate_window"
    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # window number since the epoch
    count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class UsageCount(Base):
    """Counts per day of what the line was used for: never a number, a hash or a body."""

    __tablename__ = "usage_count"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # topic, unmatched, language, menu, connected
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
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
