"""flask staff add|set-role|reset-password|list: console accounts from the terminal, through Flask's CLI runner."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store import get_store, staff
from bot.store.models import AuditEntry

STRONG = "a long enough password"
NEW = "quiet river under stone bridge"


def account(app, email: str):
    """(role, session token, password hash) of an account, or None."""
    with app.app_context(), get_store().session() as session:
        found = staff.find(session, email)
        return found and (found.role, found.session_token, found.password_hash)


def signs_in(app, email: str, password: str) -> bool:
    """True if ``password`` is the account's."""
    with app.app_context(), get_store().session() as session:
        return staff.check_password(staff.find(session, email), password)


def audit_log(app) -> list[tuple[str, str, str]]:
    """(who, action, target) of every audit entry, oldest first."""
    with app.app_context(), get_store().session() as session:
        return [(e.who, e.action, e.target) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def add(runner):
    """``add(email, *options)``: ``staff add`` with the password on stdin."""
    return lambda email, *options: runner.invoke(args=["staff", "add", email, "--password-stdin", *options],
                                                 input=STRONG + "\n")


def test_the_first_account_is_an_admin_and_says_so(app, add):
    first = add("First@example.org", "--role", "staff")
    assert first.exit_code == 0, first.output
    assert "Created admin account first@example.org" in first.output and "first account" in first.output
    second = add("second@example.org")
    assert second.exit_code == 0 and "Created staff account second@example.org" in second.output
    assert "first account" not in second.output
    assert account(app, "first@example.org")[0] == "admin" and account(app, "second@example.org")[0] == "staff"
    assert audit_log(app) == [("terminal", "add account", "account first@example.org"),
                              ("terminal", "add account", "account second@example.org")]


def test_add_staff_is_the_same_command(app, runner, add):
    add("admin@example.org")
    result = runner.invoke(args=["add-staff", "old@example.org", "--role", "admin", "--password-stdin"],
                           input=STRONG + "\n")
    assert result.exit_code == 0 and account(app, "old@example.org")[0] == "admin"
    again = runner.invoke(args=["add-staff", "old@example.org"])  # refused before any password is asked
    assert again.exit_code == 1 and "already has an account" in again.output and "Password" not in again.output


def test_set_role_promotes_and_demotes_but_keeps_an_admin(app, runner, add):
    add("admin@example.org")
    add("worker@example.org")
    promote = runner.invoke(args=["staff", "set-role", "Worker@Example.org", "admin"])
    assert promote.exit_code == 0 and "worker@example.org is now admin." in promote.output
    assert "is already admin" in runner.invoke(args=["staff", "set-role", "worker@example.org", "admin"]).output
    assert runner.invoke(args=["staff", "set-role", "admin@example.org", "staff"]).exit_code == 0
    last = runner.invoke(args=["staff", "set-role", "worker@example.org", "staff"])
    assert last.exit_code == 1 and "last admin" in last.output and "Traceback" not in last.output
    assert account(app, "worker@example.org")[0] == "admin" and account(app, "admin@example.org")[0] == "staff"
    missing = runner.invoke(args=["staff", "set-role", "nobody@example.org", "admin"])
    assert missing.exit_code == 1 and "nobody@example.org has no account" in missing.output
    assert runner.invoke(args=["staff", "set-role", "worker@example.org", "boss"]).exit_code == 2
    assert ("terminal", "change role", "account worker@example.org") in audit_log(app)


def test_reset_password_from_stdin_signs_out_old_sessions(app, runner, add):
    add("a@example.org")
    _, token, _ = account(app, "a@example.org")
    result = runner.invoke(args=["staff", "reset-password", "a@example.org", "--password-stdin"], input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert "New password set for a@example.org" in result.output
    assert signs_in(app, "a@example.org", NEW) and not signs_in(app, "a@example.org", STRONG)
    assert account(app, "a@example.org")[1] != token  # every cookie signed in before stops working


def test_reset_password_refuses_a_weak_one_and_an_unknown_account(app, runner, add):
    add("a@example.org")
    before = account(app, "a@example.org")
    weak = runner.invoke(args=["staff", "reset-password", "a@example.org", "--password-stdin"], input="password123\n")
    assert weak.exit_code == 1 and "easy to guess" in weak.output
    short = runner.invoke(args=["staff", "reset-password", "a@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert account(app, "a@example.org") == before
    missing = runner.invoke(args=["staff", "reset-password", "b@example.org", "--password-stdin"], input=NEW + "\n")
    assert missing.exit_code == 1 and "b@example.org has no account" in missing.output


def test_reset_password_checks_strength_before_asking_again(app, runner, add):
    add("a@example.org")
    typed = ["password123", NEW, NEW + "x", NEW, NEW]  # weak; then a mismatch; then the same twice
    result = runner.invoke(args=["staff", "reset-password", "a@example.org"], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("easy to guess") < out.index("Password again")  # a weak one is not asked for twice
    assert out.count("Password again") == 2 and "do not match" in out
    assert signs_in(app, "a@example.org", NEW)


def test_list_shows_every_account_and_role(runner, add):
    empty = runner.invoke(args=["staff", "list"])
    assert empty.exit_code == 0 and "No accounts yet" in empty.output and "0 account(s)" in empty.output
    add("b@example.org")
    add("a@example.org")
    lines = runner.invoke(args=["staff", "list"]).output.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["a@example.org", "staff"], ["b@example.org", "admin"]]
    assert lines[2] == "2 account(s), 1 admin(s)."
