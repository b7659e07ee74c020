"""Integration tests run against real databases: `db` is SQLite and PostgreSQL (twice)."""

from __future__ import annotations

import pytest

from booking.db import Database


@pytest.fixture
def db(any_db: Database) -> Database:
    return any_db
