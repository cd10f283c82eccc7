"""A STOP received while the database cannot be written is kept in the instance folder (hashed) and
written when the database is back, even by a worker started later; the safety check at start-up."""
from sqlalchemy import create_engine, text as sql

from bot import create_app
from bot.store import get_store
from bot.store.spool import Spool
from bot.store.tables import save_table, versions
from bot.table.files import read_docs
from bot.table.load import build_table
from conftest import DATA_DIR, parse_twiml, post_signed

SENDER = "+12095550177"


def send(client, body, sid):
    root = parse_twiml(post_signed(client, "/sms", {"From": SENDER, "Body": body, "MessageSid": sid}))
    message = root.find("Message")
    return None if message is None else message.text


def test_a_stop_survives_an_outage_and_a_restart(app_config, tmp_path):
    if app_config["DATABASE_URL"].startswith("postgresql"):
        app_config = {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'own.db'}"}
    folder = tmp_path / "db"
    folder.mkdir()
    config = {**app_config, "DATABASE_URL": f"sqlite:///{folder / 'helpline.db'}"}
    app = create_app(config)
    client = app.test_client()
    assert send(client, "help", "SM1") is not None
    app.extensions["store"].close()
    folder.rename(tmp_path / "away")  # the database cannot be opened

    assert send(client, "STOP", "SM2") is None
    assert send(client, "help", "SM3") is None  # still silent: the spool holds the opt-out
    spool = app.extensions["store"].spool.path
    text = spool.read_text()
    assert SENDER not in text and "2095550177" not in text  # only the keyed hash

    (tmp_path / "away").rename(folder)  # back; a new worker starts
    restarted = create_app(config)
    engine = create_engine(config["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(sql("SELECT count(*) FROM sender WHERE opted_out")).scalar() == 1
    engine.dispose()
    assert send(restarted.test_client(), "help", "SM4") is None
    assert Spool(spool).entries_now() == {} and spool.read_text() == "{}"
    restarted.extensions["store"].close()


def test_spool_is_shared_between_workers(tmp_path):
    one, two = Spool(tmp_path / "spool.json"), Spool(tmp_path / "spool.json")
    one.put("abc", False, ("es", True, True))
    assert two.entries_now() == {("abc", False): ("es", True, True)}
    assert two.held("abc") and not two.held("abc", simulated=True)
    written = []
    assert two.replay(lambda *row: written.append(row)) == 1
    assert written == [("abc", False, ("es", True, True))] and not one.held("abc")


def test_a_change_spooled_after_another_keeps_what_the_first_said(tmp_path):
    spool = Spool(tmp_path / "spool.json")
    spool.put("a" * 64, False, (None, True, None))  # STOP
    spool.put("a" * 64, False, (None, None, True))  # then QUIET, before the database took the STOP
    assert Spool(tmp_path / "spool.json").entries_now() == {("a" * 64, False): (None, True, True)}


def test_an_older_spool_keeps_its_opt_outs_and_nothing_else(tmp_path):
    """A spool written before discreet choices were spooled held an opt-out alone."""
    (tmp_path / "spool.json").write_text('{"0:abc": true, "1:def": false}')
    assert Spool(tmp_path / "spool.json").entries_now() == {("abc", False): (None, True, None),
                                                             ("def", True): (None, False, None)}


def test_an_unsafe_table_in_the_database_is_replaced_at_start_up(app, app_config):
    docs = read_docs(DATA_DIR)
    for words in docs["messages.yaml"].values():
        words["resource"], words["brief"] = "{name}.", "{name}."
    with app.app_context(), get_store().session() as session:
        save_table(session, build_table(docs))  # written behind the check's back
    restarted = create_app(app_config)
    snapshot = restarted.extensions["store"].snapshot()
    with restarted.app_context(), get_store().session() as session:
        [carried, unsafe] = versions(session, 2)
    assert (carried.number, carried.what) == (unsafe.number + 1, "upgrade") == (snapshot.version, "upgrade")
    assert snapshot.table.messages == build_table(read_docs(DATA_DIR)).messages  # data/'s wording, not the unsafe one
    reply = parse_twiml(post_signed(restarted.test_client(), "/sms", {"From": SENDER, "Body": "hi"})).find("Message").text
    assert "(888) 373-7888" in reply and "911" in reply
    restarted.extensions["store"].close()
