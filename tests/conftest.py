"""Shared fixtures: an app on a migrated SQLite file, and the same on a real PostgreSQL server.

The migrations run once per session into a template (a SQLite file, a PostgreSQL template
database); each test gets a fresh copy, so tests are isolated and still fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from tests.support.postgres import PostgresServer, start_postgres
from web import create_app
from web.cli import upgrade_database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = start_postgres(tmp_path_factory.mktemp("pg"))
    try:
        server.create_template("bb_template", upgrade_database)
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    return postgres_server.fresh_database("bb_template")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over both backends."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def app(sqlite_url: str) -> Iterator[Flask]:
    app = create_app("testing", DATABASE_URL=sqlite_url)
    yield app
    app.extensions["database"].dispose()


@pytest.fixture
def any_app(database_url: str) -> Iterator[Flask]:
    """The app on SQLite and on PostgreSQL (the test runs twice)."""
    app = create_app("testing", DATABASE_URL=database_url)
    yield app
    app.extensions["database"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Database:
    database: Database = app.extensions["database"]
    return database
