"""Building the app for a test, and serving it on loopback for a browser or parallel clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from booking.db import Database
from web import create_app


def make_app(database_url: str, **settings: Any) -> Flask:
    """The app in the testing configuration on `database_url`; `settings` override the config."""
    return create_app("testing", DATABASE_URL=database_url, **settings)


def database_of(app: Flask) -> Database:
    database: Database = app.extensions["database"]
    return database


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app under a threaded werkzeug server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
