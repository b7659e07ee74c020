"""Staff login: passwords, lockout, idle timeout, CSRF, security headers, the first admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.errors import ValidationFailed
from booking.models import User
from booking.staff import accounts
from tests.support.clock import Clock
from tests.support.staff import NOW, PASSWORD, csrf_token, login, make_user, post, seed


def _without_tokens(response) -> str:
    return re.sub(
        r'(csrf[-_]token"? (?:content|value)=)"[^"]+"', r"\1", response.get_data(as_text=True)
    )


def _user(db, user_id: int) -> User:
    with db.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def test_passwords_are_stored_as_argon2id_hashes(db, staff: int) -> None:
    user = _user(db, staff)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_a_caseworker_logs_in_and_lands_on_today(client: FlaskClient, staff: int) -> None:
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/caseworker/")
    assert "Dagens møder" in client.get("/caseworker/").get_data(as_text=True)


def test_a_wrong_password_gets_a_generic_message(client: FlaskClient, staff: int) -> None:
    wrong = login(client, password="forkert forkert")
    unknown = login(client, email="nobody@example.dk", password="forkert forkert")
    assert wrong.status_code == unknown.status_code == 401
    assert _without_tokens(wrong) == _without_tokens(unknown).replace(
        "nobody@example.dk", "mette.jensen@example.dk"
    )
    assert "Forkert e-mail eller adgangskode" in _without_tokens(wrong)
    assert client.get("/caseworker/").status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: FlaskClient, db, staff: int, clock: Clock
) -> None:
    for _ in range(5):
        assert login(client, password="wrong password!").status_code == 401
    assert _user(db, staff).locked_until == NOW + timedelta(minutes=15)
    # Even the right password is refused while locked, with the same message.
    assert login(client).status_code == 401
    clock.advance(minutes=14)
    assert login(client).status_code == 401
    clock.advance(minutes=2)
    assert login(client).status_code == 302
    assert _user(db, staff).failed_login_count == 0


def test_a_success_resets_the_failure_count(client: FlaskClient, db, staff: int) -> None:
    for _ in range(4):
        login(client, password="wrong password!")
    assert login(client).status_code == 302
    assert _user(db, staff).failed_login_count == 0
    assert _user(db, staff).locked_until is None


def test_a_deactivated_user_cannot_log_in(client: FlaskClient, db, staff: int) -> None:
    with db.transaction() as session:
        session.get(User, staff).active = False
    assert login(client).status_code == 401


def test_a_deactivated_user_is_logged_out_at_the_next_request(
    client: FlaskClient, db, staff: int
) -> None:
    login(client)
    with db.transaction() as session:
        session.get(User, staff).active = False
    assert client.get("/caseworker/").status_code == 302


def test_the_session_ends_after_the_idle_timeout(
    client: FlaskClient, staff: int, clock: Clock, app: Flask
) -> None:
    login(client)
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert client.get("/caseworker/").status_code == 200
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert client.get("/caseworker/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    response = client.get("/caseworker/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_is_a_post_and_ends_the_session(client: FlaskClient, staff: int) -> None:
    login(client)
    assert client.get("/logout").status_code == 405
    assert post(client, "/logout").status_code == 302
    assert client.get("/caseworker/").status_code == 302


def test_login_redirects_only_to_local_paths(client: FlaskClient, staff: int) -> None:
    token = csrf_token(client)
    form = {"email": "mette.jensen@example.dk", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/x", data=form)
    assert response.headers["Location"].endswith("/caseworker/")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/caseworker/")})
    form["csrf_token"] = csrf_token(client)
    response = client.post("/login?next=/caseworker/calendar", data=form)
    assert response.headers["Location"] == "/caseworker/calendar"


def test_a_post_without_a_csrf_token_is_refused(client: FlaskClient, staff: int) -> None:
    response = client.post(
        "/login", data={"email": "mette.jensen@example.dk", "password": PASSWORD}
    )
    assert response.status_code == 400
    login(client)
    assert client.post("/logout").status_code == 400
    assert client.get("/caseworker/").status_code == 200  # still logged in


def test_the_api_is_exempt_from_csrf(client: FlaskClient) -> None:
    response = client.post("/api/v1/bookings", json={})
    assert response.status_code != 400 or "CSRF" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("new", "confirm", "field"),
    [
        ("kort", "kort", "Adgangskoden skal være mindst 12 tegn"),
        ("mette.jensen@example.dk", "mette.jensen@example.dk", "ikke være din e-mail"),
        ("en lang ny adgangskode", "en anden ny adgangskode", "ikke ens"),
    ],
)
def test_a_bad_new_password_is_refused_and_nothing_changes(
    client: FlaskClient, db, staff: int, new: str, confirm: str, field: str
) -> None:
    login(client)
    before = _user(db, staff).password_hash
    response = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm": confirm},
    )
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)
    assert _user(db, staff).password_hash == before


def test_changing_the_password_needs_the_current_one(client: FlaskClient, db, staff: int) -> None:
    login(client)
    before = _user(db, staff).password_hash
    response = post(
        client,
        "/account/password",
        {"current_password": "not it at all", "new_password": "x" * 14, "confirm": "x" * 14},
    )
    assert response.status_code == 422
    assert _user(db, staff).password_hash == before


def test_a_password_change_ends_other_sessions(
    app: Flask, client: FlaskClient, staff: int, clock: Clock
) -> None:
    other = app.test_client()
    login(other)
    login(client)
    clock.advance(seconds=5)
    new = "ny og meget lang adgangskode"
    response = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert client.get("/caseworker/").status_code == 200
    assert other.get("/caseworker/").status_code == 302
    assert login(other, password=new).status_code == 302


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]


def test_a_view_that_sets_its_own_csp_keeps_it(app: Flask) -> None:
    @app.get("/own-csp")
    def own_csp():
        return "x", 200, {"Content-Security-Policy": "frame-src https://meet.example"}

    headers = app.test_client().get("/own-csp").headers
    assert headers["Content-Security-Policy"] == "frame-src https://meet.example"


def test_hsts_and_secure_cookies_in_production_settings(build_app, sqlite_url: str) -> None:
    app = build_app(sqlite_url, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def limited_app(build_app, sqlite_url: str) -> Flask:
    return build_app(sqlite_url, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3/minute")


def test_login_attempts_are_rate_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    codes = [login(client, "a@example.dk", "whatever pass").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_the_domain_refuses_a_duplicate_or_malformed_email(db) -> None:
    seed(db)
    make_user(db, email="admin@example.dk", role="admin", caseworker_email=None)
    with db.transaction() as session, pytest.raises(ValidationFailed):
        accounts.create_user(
            session, email="ADMIN@example.dk", password=PASSWORD, role="admin", now=NOW
        )
    with db.transaction() as session, pytest.raises(ValidationFailed):
        accounts.create_user(
            session, email="not-an-email", password=PASSWORD, role="admin", now=NOW
        )
    with db.transaction() as session:
        assert len(session.scalars(select(User)).all()) == 1


def test_create_admin_command_makes_a_first_admin(app: Flask, db, monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "et stærkt kodeord til admin")
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "Chef@Example.dk"])
    assert result.exit_code == 0, result.output
    with db.transaction() as session:
        user = accounts.find_user_by_email(session, "chef@example.dk")
        assert user is not None and user.role == "admin"
    again = app.test_cli_runner().invoke(args=["create-admin", "--email", "chef@example.dk"])
    assert again.exit_code != 0
    assert "A user with that e-mail exists" in again.output


def test_create_admin_refuses_a_weak_password(app: Flask, db, monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "chef@example.dk"])
    assert result.exit_code != 0
    with db.transaction() as session:
        assert session.scalars(select(User)).all() == []
