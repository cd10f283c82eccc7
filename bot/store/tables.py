"""The resource table in the database: write a checked ``Table``, read it back as documents.

Reading returns the same documents data/ holds, so the database and the files go through
one and the same check (``validation.build_table``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..table.files import docs_from_table, read_docs
from ..table.validation import build_table
from ..table.model import Table
from ..table.validation import REPLY_TESTS
from . import models as m

DOCUMENTS = ("discreet.yaml", "interpreters.yaml")  # kept whole, as checked
TABLE_MODELS = (m.TableDocument, m.Example, m.Keyword, m.Topic, m.MenuOption, m.Resource, m.Organization, m.Wording,
                m.Language, m.ReplyTest)


def save_table(session: Session, table: Table) -> int:
    """Replace the whole resource table with ``table`` (in the caller's transaction); the new version."""
    for model in TABLE_MODELS:
        session.execute(delete(model))
    session.flush()
    for i, lang in enumerate(table.languages.values()):
        session.add(m.Language(code=lang.code, position=i, name=lang.name, switch=list(lang.switch),
                               hints=list(lang.hints), max_segments=lang.max_segments,
                               voice=lang.voice, speech=lang.speech, gsm7=lang.gsm7,
                               topic_segments=lang.topic_segments))
    orgs = {o.key: m.Organization(key=o.key, name=dict(o.name), about=dict(o.about))
            for o in table.organizations.values()}
    session.add_all(orgs.values())
    for i, r in enumerate(table.resources.values()):
        session.add(m.Resource(key=r.key, position=i, organization=orgs[r.organization], name=dict(r.name),
                               short=dict(r.short), description=dict(r.description), phone=r.phone, text_number=r.text,
                               hours=r.hours.text(), languages=list(r.languages),
                               last_verified=r.last_verified, verified_by=r.verified_by))
    for t in table.topics:
        topic = m.Topic(key=t.key, urgency=t.urgency, name=dict(t.name), intro=dict(t.intro),
                        resources=list(t.resources), organizations=list(t.organizations))
        topic.keywords = [m.Keyword(language=lang, phrase=p) for lang, ps in t.keywords.items() for p in ps]
        session.add(topic)
    names = {name for words in table.messages.values() for name in words}
    for name in sorted(names):
        session.add(m.Wording(channel="sms", key=name, texts={l: w[name] for l, w in table.messages.items()}))
    for key, texts in table.prompts.items():
        session.add(m.Wording(channel="voice", key=key, texts=dict(texts)))
    for i, o in enumerate(table.menu):
        session.add(m.MenuOption(position=i, key=o.key, action=o.action, resource_key=o.resource,
                                 language=o.language, menus=list(o.menus), prompt=dict(o.prompt),
                                 keywords={lang: list(words) for lang, words in o.keywords.items()}))
    for channel, rows in table.reply_tests.items():
        session.add_all(m.ReplyTest(channel=channel, position=i, case=dict(row)) for i, row in enumerate(rows))
    docs = docs_from_table(table)
    session.add_all(m.TableDocument(name=name, content=docs[name]) for name in DOCUMENTS if docs[name] is not None)
    session.add_all(m.Example(position=i, text=e.text, language=e.language, topics=list(e.topics), discreet=e.discreet)
                    for i, e in enumerate(table.examples))
    state = session.get(m.TableState, 1) or m.TableState(id=1, version=0)
    state.version += 1
    state.unmatched = list(table.unmatched)
    state.start_topic = table.start_topic
    state.fallback = table.fallback
    state.safety = {rule: {lang: list(p) for lang, p in by_lang.items()} for rule, by_lang in table.safety.items()}
    state.changed_at = m.utcnow()
    session.add(state)
    session.flush()
    return state.version


def table_version(session: Session) -> int | None:
    """The table's version, or None when no table was ever loaded."""
    return session.scalar(select(m.TableState.version).where(m.TableState.id == 1))


def load_docs(session: Session) -> dict[str, Any]:
    """The table as the documents of data/ (file name -> parsed content)."""
    langs = session.scalars(select(m.Language).order_by(m.Language.position)).all()
    wording = session.scalars(select(m.Wording)).all()
    state = session.get(m.TableState, 1)
    return {
        "languages.yaml": {l.code: {"name": l.name, "switch": l.switch, "hints": l.hints,
                                    "max_segments": l.max_segments, "voice": l.voice, "speech": l.speech,
                                    "gsm7": l.gsm7, "topic_segments": l.topic_segments}
                           for l in langs},
        "organizations.yaml": [{"key": o.key, "name": o.name, "about": o.about}
                               for o in session.scalars(select(m.Organization).order_by(m.Organization.id))],
        "resources.yaml": [_resource_doc(r) for r in
                           session.scalars(select(m.Resource).order_by(m.Resource.position))],
        "topics.yaml": {"unmatched": {"resources": state.unmatched if state else []},
                        "start": state.start_topic if state else None,
                        **({"safety": state.safety} if state and state.safety else {}),
                        "topics": [_topic_doc(t) for t in
                                   session.scalars(select(m.Topic).order_by(m.Topic.urgency, m.Topic.key))]},
        "messages.yaml": {l.code: {w.key: w.texts.get(l.code) for w in wording if w.channel == "sms"}
                          for l in langs},
        "menu.yaml": {"fallback": state.fallback if state else None,
                      "prompts": {w.key: w.texts for w in wording if w.channel == "voice"},
                      "options": [_option_doc(o) for o in
                                  session.scalars(select(m.MenuOption).order_by(m.MenuOption.position))]},
        REPLY_TESTS: _reply_tests_doc(session),
        **{name: session.scalar(select(m.TableDocument.content).where(m.TableDocument.name == name))
           for name in DOCUMENTS},
        "examples.yaml": [{"text": e.text, "lang": e.language, "topics": e.topics, **({"discreet": True} if e.discreet else {})}
                          for e in session.scalars(select(m.Example).order_by(m.Example.position))],
    }


def _reply_tests_doc(session: Session) -> dict[str, list]:
    """reply_tests.yaml as the table holds it."""
    doc: dict[str, list] = {"sms": [], "voice": []}
    for row in session.scalars(select(m.ReplyTest).order_by(m.ReplyTest.channel, m.ReplyTest.position)):
        doc.setdefault(row.channel, []).append(row.case)
    return doc


def _resource_doc(r: m.Resource) -> dict[str, Any]:
    """A resource row as an entry of resources.yaml."""
    doc = {"key": r.key, "organization": r.organization.key, "name": r.name, "short": r.short, "description": r.description,
           "phone": r.phone, "hours": r.hours, "languages": r.languages, "last_verified": r.last_verified}
    if r.text_number:
        doc["text"] = r.text_number
    if r.verified_by:
        doc["verified_by"] = r.verified_by
    return doc


def _topic_doc(t: m.Topic) -> dict[str, Any]:
    """A topic row as an entry of topics.yaml."""
    keywords: dict[str, list[str]] = {}
    for k in sorted(t.keywords, key=lambda k: k.id):
        keywords.setdefault(k.language, []).append(k.phrase)
    return {"key": t.key, "name": t.name, "urgency": t.urgency, "intro": t.intro, "resources": t.resources,
            "organizations": t.organizations, "keywords": keywords}


def _option_doc(o: m.MenuOption) -> dict[str, Any]:
    """A menu option row as an entry of menu.yaml."""
    doc = {"key": o.key, "action": o.action, "menus": o.menus, "prompt": o.prompt}
    if o.keywords:
        doc["keywords"] = o.keywords
    if o.resource_key:
        doc["resource"] = o.resource_key
    if o.language:
        doc["language"] = o.language
    return doc


def add_missing_documents(session: Session, data_dir: str) -> None:
    """Issue 13: give a table saved before discreet.yaml and interpreters.yaml existed data/'s copies,
    checked together with the rest of the table; a new version, so every worker picks them up."""
    missing = [name for name in DOCUMENTS if session.get(m.TableDocument, name) is None]
    if not missing:
        return
    docs = load_docs(session)
    docs.update({name: read_docs(data_dir)[name] for name in missing})
    table = build_table(docs)
    for name in missing:
        session.add(m.TableDocument(name=name, content=docs_from_table(table)[name]))
    state = session.get(m.TableState, 1)
    state.version += 1
    state.changed_at = m.utcnow()
