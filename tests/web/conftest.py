"""The staff's way in for the web tests: demo data, a caseworker's login, an admin's login."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from booking.db import Database
from booking.staff import accounts
from tests.support.clock import Clock
from tests.support.staff import ADMIN_EMAIL, login, make_user, seed


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id with small cost parameters, so the many logins in these tests stay fast.

    Production keeps the defaults.
    """
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    )


@pytest.fixture
def staff(db: Database, clock: Clock) -> int:
    """The demo data and a login for the caseworker Mette Jensen; returns her user id."""
    seed(db)
    return make_user(db)


@pytest.fixture
def logged_in(client: FlaskClient, staff: int) -> FlaskClient:
    """The test client, logged in as the caseworker Mette Jensen."""
    login(client)
    return client


@pytest.fixture
def admin(client: FlaskClient, db: Database, staff: int) -> FlaskClient:
    """The test client, logged in as an admin (Mette Jensen has her login too)."""
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    login(client, ADMIN_EMAIL)
    return client
