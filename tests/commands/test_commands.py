"""The staff commands through Flask's CLI runner: sms, call, check-data, add-staff."""
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.store import get_store, staff
from bot.store.models import Sender, SimulatedSender, Staff
from conftest import DATA_DIR


def count(app, model):
    with app.app_context(), get_store().session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_sms_prints_the_reply_and_its_segments(app, runner):
    result = runner.invoke(args=["sms", "I need help"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "(209) 948-1911" in result.output and "(888) 373-7888" in result.output
    assert lines[-1].startswith("--- ") and "GSM-7" in lines[-1] and "2 segments" in lines[-1]


def test_sms_keeps_state_per_simulated_sender(app, runner):
    assert "peligro" in runner.invoke(args=["sms", "ayuda", "--from", "+12095550001"]).output
    assert "¿En peligro" in runner.invoke(args=["sms", "?", "--from", "+12095550001"]).output  # still Spanish
    assert "In danger now" in runner.invoke(args=["sms", "?", "--from", "+12095550002"]).output
    assert "no reply" in runner.invoke(args=["sms", "STOP", "--from", "+12095550001"]).output
    assert "no reply" in runner.invoke(args=["sms", "help", "--from", "+12095550001"]).output
    assert count(app, SimulatedSender) == 1  # the other sender said nothing to remember
    assert count(app, Sender) == 0  # real senders are untouched


def test_sms_lang_sets_one_message(runner):
    assert "UCS-2" in runner.invoke(args=["sms", "help", "--lang", "es"]).output
    assert "GSM-7" in runner.invoke(args=["sms", "help"]).output
    assert runner.invoke(args=["sms", "help", "--lang", "fr"]).exit_code == 2


def test_call_walks_the_menu(runner):
    result = runner.invoke(args=["call", "9", "vivienda", "dial=busy"])
    assert result.exit_code == 0, result.output
    assert "[es-MX] Si está en peligro inmediato" in result.output
    assert "connecting to la línea de ayuda de Chest of Hope (209) 259-5552" in result.output
    assert result.output.rstrip().endswith("connecting to la Línea Nacional contra la Trata de Personas (888) 373-7888")


def test_call_silence_ends_with_the_numbers(runner):
    result = runner.invoke(args=["call", "-", "-", "-"])
    assert "(888) 373-7888" in result.output
    assert result.output.rstrip().endswith("call ended")


def test_call_from_a_mobile_offers_the_numbers_by_text(runner, app):
    prompts = app.extensions["store"].snapshot().table.prompts
    result = runner.invoke(args=["call", "--texts", "5", "1"])
    assert result.exit_code == 0, result.output
    assert prompts["text_confirm"]["en"] in result.output and prompts["text_sent"]["en"] in result.output
    assert prompts["text_sent"]["en"] not in runner.invoke(args=["call", "5", "1"]).output


def test_call_refuses_an_impossible_step(runner):
    result = runner.invoke(args=["call", "dial=busy"])
    assert result.exit_code == 2
    assert "no call is being connected" in result.output


def test_check_data_passes_on_the_default_data(runner):
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    assert "FAIL" not in result.output
    assert "WARN  resource womens-center-hotline: (209) 948-1911 never verified" in result.output


def test_check_data_checks_the_live_table_unless_given_a_folder(runner, data_copy):
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-5553"))
    assert runner.invoke(args=["load-data", str(data_copy), "--yes"]).exit_code == 0
    live = runner.invoke(args=["check-data"])
    assert live.exit_code == 0, live.output
    assert "checking the live table (version 2) in the database" in live.output and "(209) 259-5553" in live.output
    folder = runner.invoke(args=["check-data", str(DATA_DIR)])
    assert f"OK    {DATA_DIR} loads" in folder.output and "(209) 259-5553" not in folder.output


def test_check_data_names_a_broken_number(runner, data_copy):
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-555"))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 1
    assert "ERROR resources.yaml: chest-of-hope-helpline: phone:" in result.output


def test_check_data_fails_a_reply_test(runner, data_copy):
    path = data_copy / "reply_tests.yaml"
    path.write_text(path.read_text().replace('{text: shleter, language: en, lines: [chest-of-hope-helpline]}',
                                             '{text: shleter, language: en, numbers: ["(209) 000-0000"]}'))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 1
    assert "FAIL  sms   shleter" in result.output and "missing (209) 000-0000" in result.output


def test_a_correct_number_change_passes_every_reply_test(runner, data_copy):
    path = data_copy / "resources.yaml"
    path.write_text(path.read_text().replace("phone: (209) 259-5552", "phone: (209) 259-5553"))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "(209) 259-5553" in result.output  # the new number, in the replies


def test_a_reply_with_another_lines_number_fails_its_reply_test(runner, data_copy):
    path = data_copy / "menu.yaml"
    text = path.read_text()
    path.write_text(text.replace("resource: chest-of-hope-helpline", "resource: national-hotline", 1))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 1
    assert "connected to (888) 373-7888, expected chest-of-hope-helpline (209) 259-5552" in result.output


def test_check_data_fails_a_reply_over_its_length(runner, data_copy):
    path = data_copy / "messages.yaml"
    text = path.read_text()
    path.write_text(text.replace('danger: "In danger now? Call 911."',
                                 'danger: "In danger now? Call 911. ' + "Really. " * 20 + '"'))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 1
    assert "over the limit of" in result.output


def test_check_data_unverified_warnings_do_not_fail(runner, data_copy):
    path = data_copy / "resources.yaml"
    recent = (date.today() - timedelta(days=10)).isoformat()
    old = (date.today() - timedelta(days=120)).isoformat()
    text = path.read_text().replace("last_verified:\n", f"last_verified: {recent}\n", 2)
    path.write_text(text.replace("last_verified:\n", f"last_verified: {old}\n", 1))
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "last verified" in result.output and "120 days ago" in result.output
    assert "1 warning(s)" in result.output


def test_add_staff_from_stdin(app, runner):
    result = runner.invoke(args=["add-staff", "Worker@Example.org", "--role", "admin", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context(), get_store().session() as session:
        account = staff.find(session, "worker@example.org")
        assert account.role == "admin"
        assert "a long enough password" not in account.password_hash
        assert staff.check_password(account, "a long enough password")


def test_add_staff_asks_twice(app, runner):
    result = runner.invoke(args=["add-staff", "s@example.org"], input="first password\nother password\n"
                                                                       "first password\nfirst password\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower()
    assert count(app, Staff) == 1


def test_add_staff_refuses(app, runner):
    runner.invoke(args=["add-staff", "s@example.org", "--password-stdin"], input="a long enough password\n")
    again = runner.invoke(args=["add-staff", "s@example.org", "--password-stdin"], input="a long enough password\n")
    assert again.exit_code == 1 and "already has an account" in again.output
    short = runner.invoke(args=["add-staff", "t@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert runner.invoke(args=["add-staff", "t@example.org", "--role", "boss"]).exit_code == 2
    assert count(app, Staff) == 1


def test_sms_without_from_is_a_new_sender_each_time(app, runner):
    with app.app_context():
        english = get_store().snapshot().table.messages["en"]["danger"]
    assert "no reply" in runner.invoke(args=["sms", "STOP"]).output
    later = runner.invoke(args=["sms", "help"]).output
    assert "(209) 948-1911" in later and "no reply" not in later
    assert english in runner.invoke(args=["sms", "?"]).output  # no language kept either
    runner.invoke(args=["sms", "ESPAÑOL"])
    assert english in runner.invoke(args=["sms", "?"]).output
    assert count(app, SimulatedSender) == 0


def test_check_data_without_reply_tests_says_so(runner, data_copy):
    (data_copy / "reply_tests.yaml").unlink()
    result = runner.invoke(args=["check-data", str(data_copy)])
    assert result.exit_code == 1
    assert "has no reply tests" in result.output and "0/0 reply tests passed" in result.output
    (data_copy / "reply_tests.yaml").write_text("sms: []\nvoice: []\n")
    assert runner.invoke(args=["check-data", str(data_copy)]).exit_code == 1


def test_sms_explain_says_why(app, runner):
    output = runner.invoke(args=["sms", "I need a shelter, my boss took my passport", "--explain"]).output
    assert "--- topics: " in output and "HOUSING" in output
    assert "keyword 'shelter' -> HOUSING" in output
    assert "model HOTLINE:" in output and "(picked)" in output
    plain = runner.invoke(args=["sms", "I need a shelter"]).output
    assert "keyword" not in plain
