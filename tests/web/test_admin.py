"""The admin workspace: caseworkers, their services, logins, deactivation, password resets."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.models import AuditEvent, Caseworker, Service, User
from tests.support.staff import PASSWORD, login, post

NEW_PASSWORD = "et helt nyt kodeord"


def _count(db, model) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def _service_id(db, code: str) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(Service.id).where(Service.code == code)))


def _user(db, email: str) -> User:
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


def test_an_admin_lands_on_the_admin_page_with_caseworkers_and_logins(admin: FlaskClient) -> None:
    page = admin.get("/admin/").get_data(as_text=True)
    assert "Mette Jensen" in page and "admin@example.dk" in page


def test_creating_a_caseworker_with_a_login_lets_them_log_in(
    app: Flask, admin: FlaskClient, db
) -> None:
    response = post(
        admin,
        "/admin/caseworkers",
        {
            "name": "Ny Kollega",
            "email": "ny@example.dk",
            "title": "Fysioterapeut",
            "services": [str(_service_id(db, "fysioterapi"))],
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    with db.transaction() as session:
        cw = session.scalar(select(Caseworker).where(Caseworker.email == "ny@example.dk"))
        assert [s.code for s in cw.services] == ["fysioterapi"]
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "caseworker.create" in actions and "user.create" in actions
    other = app.test_client()
    assert login(other, "ny@example.dk", NEW_PASSWORD).headers["Location"].endswith("/caseworker/")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "email": "a@example.dk"}, "Skriv et navn"),
        ({"name": "A", "email": "not an email"}, "gyldig e-mailadresse"),
        ({"name": "A", "email": "mette.jensen@example.dk"}, "findes allerede"),
        ({"name": "A", "email": "a@example.dk", "services": ["999"]}, "Ukendt ydelse"),
        ({"name": "A", "email": "a@example.dk", "services": ["x"]}, "Ukendt ydelse"),
        ({"name": "A", "email": "a@example.dk", "password": "kort"}, "mindst 12 tegn"),
    ],
)
def test_a_bad_new_caseworker_is_refused_and_nothing_is_written(
    admin: FlaskClient, db, form: dict, message: str
) -> None:
    caseworkers, users = _count(db, Caseworker), _count(db, User)
    response = post(admin, "/admin/caseworkers", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (_count(db, Caseworker), _count(db, User)) == (caseworkers, users)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "x@example.dk", "role": "admin", "password": "kort"}, "mindst 12 tegn"),
        ({"email": "x@example.dk", "role": "boss", "password": NEW_PASSWORD}, "Ukendt rolle"),
        ({"email": "x@example.dk", "role": "caseworker", "password": NEW_PASSWORD}, "Vælg den"),
        ({"email": "ADMIN@example.dk", "role": "admin", "password": NEW_PASSWORD}, "findes"),
    ],
)
def test_a_bad_new_login_is_refused_and_nothing_is_written(
    admin: FlaskClient, db, form: dict, message: str
) -> None:
    users = _count(db, User)
    response = post(admin, "/admin/users", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db, User) == users


def test_a_caseworker_can_have_only_one_login(admin: FlaskClient, db) -> None:
    with db.transaction() as session:
        mette = session.scalar(select(Caseworker.id).where(Caseworker.name == "Mette Jensen"))
    response = post(
        admin,
        "/admin/users",
        {
            "email": "m2@example.dk",
            "role": "caseworker",
            "caseworker_id": str(mette),
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "har allerede en bruger" in response.get_data(as_text=True)


def test_assigning_services_changes_which_services_a_caseworker_offers(
    admin: FlaskClient, db
) -> None:
    with db.transaction() as session:
        mette = session.scalar(select(Caseworker).where(Caseworker.name == "Mette Jensen"))
        mette_id = mette.id
    ids = [str(_service_id(db, "jobcenter")), str(_service_id(db, "sundhedspleje"))]
    response = post(admin, f"/admin/caseworkers/{mette_id}/services", {"services": ids})
    assert response.status_code == 302
    with db.transaction() as session:
        codes = sorted(s.code for s in session.get(Caseworker, mette_id).services)
    assert codes == ["jobcenter", "sundhedspleje"]
    assert post(admin, "/admin/caseworkers/9999/services", {"services": ids}).status_code == 404


def test_a_deactivated_login_cannot_log_in_and_an_admin_cannot_deactivate_themselves(
    app: Flask, admin: FlaskClient, db
) -> None:
    mette = _user(db, "mette.jensen@example.dk")
    me = _user(db, "admin@example.dk")
    assert post(admin, f"/admin/users/{mette.id}/active", {"active": "0"}).status_code == 302
    assert login(app.test_client()).status_code == 401
    response = post(admin, f"/admin/users/{me.id}/active", {"active": "0"})
    assert response.status_code == 422 and _user(db, "admin@example.dk").active
    assert post(admin, f"/admin/users/{mette.id}/active", {"active": "1"}).status_code == 302
    assert login(app.test_client()).status_code == 302


def test_deactivating_a_caseworker_removes_them_from_the_slots(admin: FlaskClient, db) -> None:
    with db.transaction() as session:
        for cw in session.scalars(select(Caseworker)):
            if cw.name != "Mette Jensen":
                cw.active = False
        mette_id = session.scalar(select(Caseworker.id).where(Caseworker.name == "Mette Jensen"))
    url = "/api/v1/services/jobcenter/slots?from=2026-11-26&to=2026-11-26"
    assert admin.get(url).get_json()
    assert post(admin, f"/admin/caseworkers/{mette_id}/active", {"active": "0"}).status_code == 302
    assert admin.get(url).get_json() == []


def test_a_password_reset_sets_a_new_password_and_lifts_a_lockout(
    app: Flask, admin: FlaskClient, db
) -> None:
    mette = _user(db, "mette.jensen@example.dk")
    other = app.test_client()
    for _ in range(5):
        login(other, password="wrong password!")
    assert _user(db, "mette.jensen@example.dk").locked_until is not None
    short = post(admin, f"/admin/users/{mette.id}/password", {"password": "kort"})
    assert short.status_code == 422 and "mindst 12 tegn" in short.get_data(as_text=True)
    assert (
        post(admin, f"/admin/users/{mette.id}/password", {"password": NEW_PASSWORD}).status_code
        == 302
    )
    assert login(other, password=PASSWORD).status_code == 401
    assert login(other, password=NEW_PASSWORD).status_code == 302
    assert post(admin, "/admin/users/9999/password", {"password": NEW_PASSWORD}).status_code == 404
