"""The fixtures that build the app, once for every test: on SQLite, and on PostgreSQL too.

The migrations run once per session into a template (a SQLite file, a PostgreSQL template
database); each test gets a fresh copy, so tests are isolated and still fast.

- `app`, `client`, `db`: the app on SQLite; `any_app`, `any_client`, `any_db`: the same on
  SQLite and on PostgreSQL (the test runs twice).
- A module overrides `app_settings` for the configuration it needs beyond the testing defaults.
- A test that asks for `clock` (directly, through a fixture or `usefixtures`) runs every app it
  builds on that fixed clock, starting at `clock_start` (a module may override it).
- `build_app(database_url, **settings)` builds a further app (another configuration); every app
  built here has its database connections closed after the test.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.db import Database
from tests.support.app import database_of, make_app
from tests.support.clock import NOW, Clock
from tests.support.postgres import PostgresServer, start_postgres
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
def app_settings() -> dict[str, Any]:
    """Configuration beyond the testing defaults; a module overrides this fixture."""
    return {}


@pytest.fixture
def clock_start() -> datetime:
    return NOW


@pytest.fixture
def clock(clock_start: datetime) -> Clock:
    """The time every app of this test reads (`web.extensions.now`), fixed until moved."""
    return Clock(clock_start)


@pytest.fixture
def build_app(request: pytest.FixtureRequest) -> Iterator[Callable[..., Flask]]:
    built: list[Flask] = []

    def build(database_url: str, **settings: Any) -> Flask:
        app = make_app(database_url, **settings)
        if "clock" in request.fixturenames:
            app.extensions["clock"] = request.getfixturevalue("clock")
        built.append(app)
        return app

    yield build
    for app in built:
        database_of(app).dispose()


@pytest.fixture
def app(build_app: Callable[..., Flask], sqlite_url: str, app_settings: dict[str, Any]) -> Flask:
    return build_app(sqlite_url, **app_settings)


@pytest.fixture
def any_app(
    build_app: Callable[..., Flask], database_url: str, app_settings: dict[str, Any]
) -> Flask:
    """The app on SQLite and on PostgreSQL (the test runs twice)."""
    return build_app(database_url, **app_settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def any_client(any_app: Flask) -> FlaskClient:
    return any_app.test_client()


@pytest.fixture
def db(app: Flask) -> Database:
    return database_of(app)


@pytest.fixture
def any_db(any_app: Flask) -> Database:
    return database_of(any_app)
