"""Console accounts: create, find, and count wrong passwords (shared by every instance)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .models import Staff, utcnow

ROLES = ("staff", "admin")


def add(session: Session, email: str, password: str, role: str = "staff") -> Staff:
    """A new account with the password hashed; ValueError if the email is taken or the role unknown."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if find(session, email):
        raise ValueError(f"{email} already has an account")
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
