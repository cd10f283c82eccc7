"""No message body and no raw phone number in the database or the logs."""
import hashlib
import logging

from sqlalchemy import MetaData, select

from bot import phones, privacy
from bot.store import get_store

NUMBER = "+12095550177"
FORMS = (NUMBER, "2095550177", "(209) 555-0177", "555-0177", "5550177")
BODIES = ("my uncle Rigoberto took my passport", "ayuda estoy en la calle Alvarado 12", "STOP", "START",
          "zebra quilt 4417")


def database_dump(app) -> str:
    """Every row of every table, as text."""
    rows = []
    with app.app_context():
        engine = get_store().engine
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                rows += [repr(tuple(row)) for row in conn.execute(select(table))]
    return "\n".join(rows)


def test_no_body_or_number_is_kept(app, text, caplog):
    with caplog.at_level(logging.DEBUG):
        for body in BODIES:
            text(body, sender=NUMBER)
    dump = database_dump(app)
    logs = caplog.text
    for secret in FORMS + ("Rigoberto", "Alvarado", "zebra quilt"):
        assert secret not in dump
        assert secret not in logs
    assert "sms answered" in logs  # the debug log does say what happened


def test_sender_is_a_keyed_hash(app, text):
    text("ayuda", sender=NUMBER)
    dump = database_dump(app)
    keyed = phones.sender_hash(NUMBER, app.config["SENDER_HASH_KEY"].encode())
    assert keyed in dump
    assert hashlib.sha256(NUMBER.encode()).hexdigest() not in dump
    assert phones.sender_hash(NUMBER, b"another key") != keyed


def test_same_sender_in_any_format_is_one_sender():
    key = b"k"
    assert phones.sender_hash("+12095550177", key) == phones.sender_hash("(209) 555-0177", key)


def test_keyed_hash_is_hmac_sha256_so_stored_senders_keep_their_hash():
    # RFC 4231, test case 2: the same hash for the same key whatever computes it
    assert privacy.keyed_hash("what do ya want for nothing?", b"Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    assert privacy.keyed_hash("what do ya want for nothing?", b"jefe") != privacy.keyed_hash(
        "what do ya want for nothing?", b"Jefe")
