"""GET /healthz, and answering with the database down."""
from bot import create_app
from conftest import parse_twiml, post_signed


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_database_down(app_config, tmp_path):
    dead = f"sqlite:///{tmp_path / 'no-such-folder' / 'helpline.db'}"  # cannot be opened
    app = create_app({**app_config, "DATABASE_URL": dead})
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"
    # texts are still answered, from data/ read at start-up, discreetly: who is watched is unknown
    root = parse_twiml(post_signed(client, "/sms", {"From": "+12095550100", "Body": "I need a place to stay"}))
    table = app.extensions["store"].snapshot().table
    assert "(209) 259-5552" in root.find("Message").text
    assert table.discreet.messages["en"]["danger"] in root.find("Message").text
    assert table.discreet.messages["en"]["delete"] in root.find("Message").text


def test_database_lost_while_running(app_config, tmp_path, data_copy):
    folder = tmp_path / "db"
    folder.mkdir()
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{folder / 'helpline.db'}"})
    runner, client = app.test_cli_runner(), app.test_client()
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-5553"))
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0

    app.extensions["store"].close()
    folder.rename(tmp_path / "gone")  # the database can no longer be opened

    assert client.get("/healthz").status_code == 503
    root = parse_twiml(post_signed(client, "/sms", {"From": "+12095550100", "Body": "shelter", "MessageSid": "SM1"}))
    assert "(209) 259-5553" in root.find("Message").text  # the live table, held in memory
    call = parse_twiml(post_signed(client, "/voice/choice?lang=en&round=1", {"Digits": "2", "CallSid": "CA1"}))
    assert call.find("Dial").text.strip() == "+12092595553"


def test_database_file_deleted(app_config, tmp_path):
    path = tmp_path / "gone.db"
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{path}"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    app.extensions["store"].close()
    path.unlink()  # SQLite would quietly make a new, empty file
    assert client.get("/healthz").status_code == 503
    root = parse_twiml(post_signed(client, "/sms", {"From": "+12095550100", "Body": "help", "MessageSid": "SM9"}))
    assert "911" in root.find("Message").text
