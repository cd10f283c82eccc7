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
    # texts are still answered, from data/ read at start-up
    root = parse_twiml(post_signed(client, "/sms", {"From": "+12095550100", "Body": "I need a place to stay"}))
    assert "(209) 259-5552" in root.find("Message").text
    assert "In immediate danger? Call 911." in root.find("Message").text
