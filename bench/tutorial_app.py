"""The baseline of the webhook benchmark: an SMS webhook as Twilio's tutorials write one.

It checks the X-Twilio-Signature with RequestValidator, makes one SQLAlchemy ORM query of a keyword
table per text (the words of data/topics.yaml, loaded into its own SQLite file at start-up) and
answers with twilio's MessagingResponse. Served by bench/webhook.py, with the same gunicorn settings
as the bot, as ``gunicorn --pythonpath bench 'tutorial_app:create_app()'``. Settings from the
environment: TWILIO_AUTH_TOKEN, TUTORIAL_URL (the URL the traffic was signed for), TUTORIAL_DB (filled
by ``fill`` before the workers start, so two workers never both create it).
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml
from flask import Flask, Response, abort, request
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT = ("Text HOTLINE, HOUSING or INFO. Women's Center 24/7: (209) 948-1911. National Hotline 24/7: "
           "(888) 373-7888. In danger now? Call 911. No one reads these texts.")


class Base(DeclarativeBase):
    pass


class Keyword(Base):
    __tablename__ = "keyword"
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(120), index=True)
    reply: Mapped[str] = mapped_column(String(1000))


def fill(database: str) -> None:
    """Make the keyword table in the SQLite file ``database``, once, before the workers start."""
    engine = create_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        if session.scalar(select(Keyword.id).limit(1)) is None:
            topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
            session.add_all(Keyword(word=word.lower(), reply=f"{t['intro']['en']} {DEFAULT}")
                            for t in topics for words in t["keywords"].values() for word in words)
    engine.dispose()


def create_app() -> Flask:
    """The tutorial app: signature check, one keyword query, MessagingResponse."""
    app = Flask(__name__)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    url = os.environ["TUTORIAL_URL"]
    engine = create_engine(f"sqlite:///{os.environ['TUTORIAL_DB']}")

    @app.post("/sms")
    def sms() -> Response:
        """Check the signature, look the text up, answer."""
        if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        body = request.form.get("Body", "").strip().lower()
        with Session(engine) as session:
            keyword = session.scalars(select(Keyword).where(Keyword.word == body)).first()
        reply = MessagingResponse()
        reply.message(keyword.reply if keyword else DEFAULT)
        return Response(str(reply), mimetype="text/xml")

    @app.get("/healthz")
    def healthz() -> dict:
        """Up."""
        return {"status": "ok"}

    return app
