"""Settings: from the environment, keys generated once when unset."""
import pytest

from bot import create_app


def test_keys_are_generated_once_and_kept(app_config, tmp_path):
    config = {**app_config, "SECRET_KEY": "", "SENDER_HASH_KEY": ""}
    first = create_app(config)
    # the test config cannot move the instance folder, so look where the app put the keys
    second = create_app(config)
    assert first.config["SECRET_KEY"] and first.config["SENDER_HASH_KEY"]
    assert first.config["SECRET_KEY"] != first.config["SENDER_HASH_KEY"]
    assert second.config["SENDER_HASH_KEY"] == first.config["SENDER_HASH_KEY"]


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    monkeypatch.setenv("SENDER_HASH_KEY", "hash-from-env")
    monkeypatch.setenv("SECRET_KEY", "secret-from-env")
    app = create_app({"TESTING": True})
    assert app.config["TWILIO_AUTH_TOKEN"] == "from-env"
    assert app.config["SENDER_HASH_KEY"] == "hash-from-env"
    assert (tmp_path / "env.db").exists()


def test_text_back_countries_are_calling_codes(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("TEXTBACK_COUNTRY_CODES", "1, +52")
    app = create_app({"TESTING": True, "SECRET_KEY": "s", "SENDER_HASH_KEY": "k"})
    app.extensions["store"].close()
    assert app.config["TEXTBACK_COUNTRY_CODES"] == {1, 52}
    assert app.config["TEXTBACK_PER_CALLER_PER_DAY"] == 3
    monkeypatch.setenv("TEXTBACK_COUNTRY_CODES", "US,MX")
    with pytest.raises(RuntimeError, match="TEXTBACK_COUNTRY_CODES"):
        create_app({"TESTING": True})
