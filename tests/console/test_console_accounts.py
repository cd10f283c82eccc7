"""Account management in the console: admins only, CSRF, and there is always an admin left."""
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from bot.store import get_store, staff
from bot.store.models import Staff
from conftest import STAFF_PASSWORD, csrf_token

NEW_PASSWORD = "a long enough password"


def accounts(app) -> dict[str, str]:
    """{email: role}"""
    with app.app_context(), get_store().session() as session:
        return {a.email: a.role for a in session.scalars(select(Staff))}


def account_id(app, email: str) -> int:
    with app.app_context(), get_store().session() as session:
        return staff.find(session, email).id


def add(client, email="new@example.org", role="staff", password=NEW_PASSWORD, confirm=None, **extra):
    data = {"csrf_token": csrf_token(client, "/console/accounts"), "email": email, "role": role,
            "password": password, "confirm": password if confirm is None else confirm, **extra}
    return client.post("/console/accounts", data=data)


def set_role(client, app, email, role):
    return client.post(f"/console/accounts/{account_id(app, email)}/role",
                       data={"csrf_token": csrf_token(client, "/console/accounts"), "role": role})


def remove(client, app, email):
    path = f"/console/accounts/{account_id(app, email)}/remove"
    return client.post(path, data={"csrf_token": csrf_token(client, "/console/accounts")})


def flashed(client) -> str:
    return client.get("/console/accounts").get_data(as_text=True)


@pytest.mark.parametrize("method, path", [("get", "/console/accounts"), ("post", "/console/accounts"),
                                          ("post", "/console/accounts/1/role"),
                                          ("get", "/console/accounts/1/remove"),
                                          ("post", "/console/accounts/1/remove")])
def test_strangers_are_sent_to_login(client, method, path):
    token = csrf_token(client, "/console/login")
    response = getattr(client, method)(path, data={"csrf_token": token, "role": "admin"})
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_staff_get_403(app, login, add_staff):
    client = login("staff")
    add_staff("admin@example.org", "admin")
    token = csrf_token(client, "/console/sms")
    assert client.get("/console/accounts").status_code == 403
    assert client.post("/console/accounts", data={"csrf_token": token, "email": "x@example.org", "role": "admin",
                                                  "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 403
    admin = account_id(app, "admin@example.org")
    assert client.post(f"/console/accounts/{admin}/role", data={"csrf_token": token, "role": "staff"}).status_code == 403
    assert client.post(f"/console/accounts/{admin}/remove", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/console/accounts/{account_id(app, 'staff@example.org')}/role",
                       data={"csrf_token": token, "role": "admin"}).status_code == 403  # no promoting oneself
    assert accounts(app) == {"staff@example.org": "staff", "admin@example.org": "admin"}
    assert 'href="/console/accounts"' not in client.get("/console/").get_data(as_text=True)


def test_admins_see_every_account(app, login, add_staff):
    client = login("admin")
    add_staff("someone@example.org")
    html = client.get("/console/accounts").get_data(as_text=True)
    assert "admin@example.org (you)" in html and "someone@example.org" in html
    someone, me = account_id(app, "someone@example.org"), account_id(app, "admin@example.org")
    assert f"/console/accounts/{someone}/role" in html and f"/console/accounts/{someone}/remove" in html
    assert f"/console/accounts/{me}/role" not in html and f"/console/accounts/{me}/remove" not in html
    assert re.search(r"<td[^>]*>\d{4}-\d{2}-\d{2}</td>", html)  # created
    assert 'href="/console/accounts"' in client.get("/console/").get_data(as_text=True)  # in the nav
    assert "style=" not in html and "<script" not in html


def test_an_admin_adds_an_account_with_a_hashed_password(app, client, login):
    login("admin")
    response = add(client, "New@Example.org ", role="admin")
    assert response.status_code == 302 and response.headers["Location"] == "/console/accounts"
    assert "Added new@example.org (admin)." in flashed(client)
    assert accounts(app)["new@example.org"] == "admin"
    with app.app_context(), get_store().session() as session:
        stored_hash = staff.find(session, "new@example.org").password_hash
    assert NEW_PASSWORD not in stored_hash and check_password_hash(stored_hash, NEW_PASSWORD)
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    token = csrf_token(client, "/console/login")
    signed_in = client.post("/console/login", data={"email": "new@example.org", "password": NEW_PASSWORD,
                                                    "csrf_token": token})
    assert signed_in.status_code == 302 and client.get("/console/accounts").status_code == 200


@pytest.mark.parametrize("email, password, confirm, role, error", [
    ("new@example.org", "short", None, "staff", "at least 10 characters"),
    ("new@example.org", NEW_PASSWORD, "something else entirely", "staff", "The two passwords differ."),
    ("not an email", NEW_PASSWORD, None, "staff", "Give an email address."),
    ("new@example.org", NEW_PASSWORD, None, "root", "Not a valid choice"),
    ("admin@example.org", NEW_PASSWORD, None, "staff", "admin@example.org already has an account"),
])
def test_a_bad_account_is_refused_with_the_reason(app, login, email, password, confirm, role, error):
    client = login("admin")
    response = add(client, email, role=role, password=password, confirm=confirm)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and error in html
    assert password not in html  # never echoed
    assert accounts(app) == {"admin@example.org": "admin"}


def test_an_admin_changes_a_role(app, login, add_staff):
    client = login("admin")
    add_staff("someone@example.org")
    assert set_role(client, app, "someone@example.org", "admin").status_code == 302
    assert "someone@example.org is now admin." in flashed(client)
    assert accounts(app)["someone@example.org"] == "admin"
    assert set_role(client, app, "someone@example.org", "staff").status_code == 302
    assert accounts(app)["someone@example.org"] == "staff"
    set_role(client, app, "someone@example.org", "owner")
    assert "Choose staff or admin." in flashed(client)
    assert accounts(app)["someone@example.org"] == "staff"


def test_a_demoted_admin_loses_the_page_at_once(app, client, login, add_staff):
    add_staff("other@example.org", "admin")
    other = app.test_client()
    token = csrf_token(other, "/console/login")
    other.post("/console/login", data={"email": "other@example.org", "password": STAFF_PASSWORD, "csrf_token": token})
    assert other.get("/console/accounts").status_code == 200
    login("admin")
    set_role(client, app, "other@example.org", "staff")
    assert other.get("/console/accounts").status_code == 403


def test_an_admin_removes_an_account_after_confirming(app, client, login, add_staff):
    login("admin")
    add_staff("someone@example.org")
    path = f"/console/accounts/{account_id(app, 'someone@example.org')}/remove"
    page = client.get(path).get_data(as_text=True)
    assert "Remove someone@example.org?" in page and 'name="csrf_token"' in page
    assert "someone@example.org" in accounts(app)  # asking removes nothing
    response = remove(client, app, "someone@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/console/accounts"
    assert "Removed someone@example.org." in flashed(client)
    assert accounts(app) == {"admin@example.org": "admin"}
    assert client.post(path, data={"csrf_token": csrf_token(client, "/console/accounts")}).status_code == 302
    assert "does not exist" in flashed(client)
    assert client.get(path).status_code == 302


def test_a_removed_account_is_signed_out(app, client, login, add_staff):
    add_staff("someone@example.org")
    other = app.test_client()
    token = csrf_token(other, "/console/login")
    other.post("/console/login", data={"email": "someone@example.org", "password": STAFF_PASSWORD,
                                       "csrf_token": token})
    assert other.get("/console/").status_code == 200
    login("admin")
    remove(client, app, "someone@example.org")
    assert other.get("/console/").status_code == 302


def test_an_admin_cannot_remove_or_demote_themselves(app, client, login, add_staff):
    login("admin")
    add_staff("other@example.org", "admin")  # not the last admin, still refused
    remove(client, app, "admin@example.org")
    assert "You cannot remove your own account." in flashed(client)
    set_role(client, app, "admin@example.org", "staff")
    assert "You cannot demote yourself" in flashed(client)
    assert accounts(app)["admin@example.org"] == "admin"
    own = client.get(f"/console/accounts/{account_id(app, 'admin@example.org')}/remove").get_data(as_text=True)
    assert "You cannot remove your own account." in own and "confirm-remove" not in own


def test_the_last_admin_stays(app):
    """The rule in the store itself: even another actor cannot take away the only admin."""
    with app.app_context(), get_store().session() as session:
        admin = staff.add(session, "only@example.org", STAFF_PASSWORD, "admin")
        helper = staff.add(session, "helper@example.org", STAFF_PASSWORD, "staff")
        admin_id, helper_id = admin.id, helper.id
    for change in (lambda s: staff.remove(s, helper_id, admin_id),
                   lambda s: staff.set_role(s, helper_id, admin_id, "staff")):
        with pytest.raises(staff.AccountError, match="last admin"):
            with app.app_context(), get_store().session() as session:
                change(session)
    assert accounts(app)["only@example.org"] == "admin"


def test_two_admins_can_each_be_demoted_but_not_both(app, client, login, add_staff):
    login("admin")
    add_staff("other@example.org", "admin")
    set_role(client, app, "other@example.org", "staff")
    assert accounts(app) == {"admin@example.org": "admin", "other@example.org": "staff"}
    set_role(client, app, "admin@example.org", "staff")
    assert accounts(app)["admin@example.org"] == "admin"


def test_csrf_is_enforced(app, login, add_staff):
    client = login("admin")
    add_staff("someone@example.org")
    someone = account_id(app, "someone@example.org")
    assert client.post("/console/accounts", data={"email": "x@example.org", "role": "admin", "password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD}).status_code == 400
    assert client.post(f"/console/accounts/{someone}/role", data={"role": "admin"}).status_code == 400
    assert client.post(f"/console/accounts/{someone}/remove").status_code == 400
    assert client.post(f"/console/accounts/{someone}/remove", data={"csrf_token": "forged"}).status_code == 400
    assert accounts(app) == {"admin@example.org": "admin", "someone@example.org": "staff"}


def test_account_changes_are_audited(app, login):
    from sqlalchemy import select

    from bot.store import get_store
    from bot.store.models import AuditEntry
    from conftest import csrf_token

    client = login("admin")
    client.post("/console/accounts", data={"email": "new@example.org", "role": "staff",
                                           "password": "a long password", "confirm": "a long password",
                                           "csrf_token": csrf_token(client, "/console/accounts")})
    with app.app_context(), get_store().session() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.who, e.action, e.target) for e in entries] == [("admin@example.org", "add account", "account new@example.org")]
    assert "long password" not in (entries[0].new or "")
