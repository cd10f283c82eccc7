"""Console accounts: create (strong passwords only), find, change a role, remove, end sessions.
Wrong sign-ins are counted in ``sign_in_throttle``."""
from __future__ import annotations

import secrets

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .models import AuditEntry, Staff

ROLES = ("staff", "admin")
MIN_PASSWORD = 10  # characters
MAX_PASSWORD = 200  # characters (zxcvbn takes long on longer ones)
MIN_STRENGTH = 3  # zxcvbn's score, 0 (guessed at once) to 4


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None: the one password rule (length, then zxcvbn's score)."""
    if len(password) < MIN_PASSWORD:
        return f"The password needs at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"The password may have at most {MAX_PASSWORD} characters."
    result = zxcvbn(password, user_inputs=[email, email.split("@")[0]])
    if result["score"] < MIN_STRENGTH:
        hint = result["feedback"].get("warning") or " ".join(result["feedback"].get("suggestions") or [])
        return f"The password is too easy to guess. {hint}".strip()
    return None


def check_strength(password: str, email: str = "") -> None:
    """WeakPassword (saying why) unless ``password`` passes ``password_problem``."""
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)


class AccountError(ValueError):
    """A change to the accounts that is refused; its message says why."""


class WeakPassword(AccountError):
    """A password that is too short or too easy to guess; the message says why."""


def add(session: Session, email: str, password: str, role: str = "staff") -> Staff:
    """A new account with the password hashed; ValueError if the email is taken or the role unknown."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if find(session, email):
        raise AccountError(f"{email} already has an account")
    check_strength(password, email)
    staff = Staff(email=email, password_hash=generate_password_hash(password), role=role,
                  session_token=secrets.token_hex(16))
    session.add(staff)
    session.flush()
    return staff


def find(session: Session, email: str) -> Staff | None:
    """The account with this email, if any."""
    return session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


def check_password(staff: Staff, password: str) -> bool:
    """True if ``password`` is the account's."""
    return check_password_hash(staff.password_hash, password)


def sign_in_row(connection: Connection, email: str):
    """(id, email, role, password_hash, session_token) of the account with this email, or None (a read)."""
    return connection.execute(select(Staff.id, Staff.email, Staff.role, Staff.password_hash, Staff.session_token)
                              .where(Staff.email == email.strip().lower())).one_or_none()


def session_row(connection: Connection, account_id: int):
    """(id, email, role, session_token) of an account, or None (a read, no lock)."""
    return connection.execute(select(Staff.id, Staff.email, Staff.role, Staff.session_token)
                              .where(Staff.id == account_id)).one_or_none()


def end_sessions(session: Session, account_id: int) -> None:
    """A new session token: every cookie signed in before stops working."""
    account = session.get(Staff, account_id)
    if account is not None:
        account.session_token = secrets.token_hex(16)


def accounts(session: Session) -> list[Staff]:
    """Every account, by email."""
    return list(session.scalars(select(Staff).order_by(Staff.email)))


def set_role(session: Session, actor_id: int | None, account_id: int, role: str) -> Staff:
    """Give an account another role; never demote oneself (actor None: the terminal) nor the last admin."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    account = _get(session, account_id)
    if account.role == "admin" and role != "admin":
        _keep_an_admin(session, actor_id, account, "demote")
    account.role = role
    return account


def remove(session: Session, actor_id: int, account_id: int) -> str:
    """Delete an account (its email is returned); never one's own, never the last admin."""
    account = _get(session, account_id)
    if account.id == actor_id:
        raise AccountError("You cannot remove your own account.")
    if account.role == "admin":
        _keep_an_admin(session, actor_id, account, "remove")
    session.delete(account)
    return account.email


def _get(session: Session, account_id: int) -> Staff:
    account = session.get(Staff, account_id)
    if account is None:
        raise AccountError("That account does not exist (any more).")
    return account


def _keep_an_admin(session: Session, actor_id: int | None, account: Staff, verb: str) -> None:
    """Refuse to take away an admin if it is the actor or the last one (admin rows locked meanwhile)."""
    if account.id == actor_id:
        raise AccountError(f"You cannot {verb} yourself: ask another admin.")
    admins = session.scalars(select(Staff.id).where(Staff.role == "admin").with_for_update()).all()
    if set(admins) <= {account.id}:
        raise AccountError(f"{account.email} is the last admin and cannot be {verb}d.")


def audit(session: Session, who: str, action: str, email: str, old: str | None, new: str | None) -> None:
    """An account change in the audit log: roles only, never a password ("account" as ``old``: removed)."""
    session.add(AuditEntry(who=who, action=action, target=f"account {email}",
                           old=f"role: {old}\n" if old and old != "account" else old,
                           new=f"role: {new}\n" if new else None))


def set_password(session: Session, staff: Staff, password: str) -> str:
    """Store a new password for ``staff``, hashed, and end every session of the account (a new session
    token); the new token. WeakPassword unless ``password_problem`` accepts it."""
    check_strength(password, staff.email)
    staff.password_hash = generate_password_hash(password)
    staff.session_token = secrets.token_hex(16)
    return staff.session_token
