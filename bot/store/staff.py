"""Console accounts: create, find, change a role, remove, and count wrong passwords (shared by every instance)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .models import Staff, utcnow

ROLES = ("staff", "admin")
MIN_PASSWORD = 10  # characters


class AccountError(ValueError):
    """A change to the accounts that is refused; its message says why."""


def add(session: Session, email: str, password: str, role: str = "staff") -> Staff:
    """A new account with the password hashed; ValueError if the email is taken or the role unknown."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if find(session, email):
        raise AccountError(f"{email} already has an account")
    staff = Staff(email=email, password_hash=generate_password_hash(password), role=role)
    session.add(staff)
    session.flush()
    return staff


def find(session: Session, email: str) -> Staff | None:
    """The account with this email, if any."""
    return session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


def check_password(session: Session, staff: Staff, password: str) -> bool:
    """True if ``password`` is right; a wrong one is counted, a right one clears the count."""
    if check_password_hash(staff.password_hash, password):
        staff.failed_logins, staff.last_failed_at = 0, None
        return True
    staff.failed_logins += 1
    staff.last_failed_at = utcnow()
    return False


def accounts(session: Session) -> list[Staff]:
    """Every account, by email."""
    return list(session.scalars(select(Staff).order_by(Staff.email)))


def set_role(session: Session, actor_id: int, account_id: int, role: str) -> Staff:
    """Give an account another role; an admin cannot demote themselves, nor the last admin be demoted."""
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


def _keep_an_admin(session: Session, actor_id: int, account: Staff, verb: str) -> None:
    """Refuse to take away an admin if it is the actor or the last one (admin rows locked meanwhile)."""
    if account.id == actor_id:
        raise AccountError(f"You cannot {verb} yourself: ask another admin.")
    admins = session.scalars(select(Staff.id).where(Staff.role == "admin").with_for_update()).all()
    if set(admins) <= {account.id}:
        raise AccountError(f"{account.email} is the last admin and cannot be {verb}d.")


def set_password(session: Session, staff: Staff, password: str) -> None:
    """Store a new password for ``staff``, hashed; AccountError if it is too short."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password needs at least {MIN_PASSWORD} characters.")
    staff.password_hash = generate_password_hash(password)
