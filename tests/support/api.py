"""Data and helpers for the /api/v1 tests: one service, its caseworkers, a fixed clock."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.db import Database
from booking.slots import COPENHAGEN
from tests.support.factories import make_caseworker, make_service, publish_demo_consent_texts
from web.catalogues import TRANSLATIONS

NOW = datetime(2030, 1, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Copenhagen
TUESDAY_9 = datetime(2030, 1, 8, 9, 0, tzinfo=COPENHAGEN)
SERVICE_TOKEN = "test-service-token"


def prepare(app: Flask, *, caseworkers: int = 1) -> list[int]:
    """Fix the clock at NOW and add `jobcenter` (30 min, Mon-Fri 8-16) with its workers."""
    app.extensions["clock"] = lambda: NOW
    db: Database = app.extensions["database"]
    with db.transaction() as session:
        service = make_service(session, code="jobcenter", description_da="Samtale")
        ids = [
            make_caseworker(session, services=[service], name=f"Worker {i}").id
            for i in range(caseworkers)
        ]
        publish_demo_consent_texts(session)
    return ids


def booking_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": "jobcenter",
        "start": TUESDAY_9.isoformat(),
        "citizen": {"name": "Anna Jensen", "phone": "20 30 40 50", "email": "anna@example.dk"},
        "language": "da",
        "channel": "chat",
        "consents": [{"purpose": "booking", "text_version": 1}],
    }
    body.update(overrides)
    return body


def create(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/bookings", json=booking_body(**overrides))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def count(app: Flask, model: type) -> int:
    db: Database = app.extensions["database"]
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@functools.cache
def catalogue_patterns(language: str) -> tuple[re.Pattern[str], ...]:
    """Every text of `language`'s catalogue as a pattern (placeholders match any value)."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        # a plural message has one text per form
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if isinstance(text, str) and text:
                pattern = re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(text))
                patterns.append(re.compile(pattern.replace("%%", "%"), re.DOTALL))
    return tuple(patterns)


def in_language(text: str, language: str) -> bool:
    """True when `text` is one of the catalogue's texts in `language` (one language only)."""
    return any(p.fullmatch(text) for p in catalogue_patterns(language))


def error(response: Any, status: int, language: str = "da") -> dict[str, Any]:
    """The error object of a response, after checking status and shape, and that its message
    is written in `language` (Danish unless the request asked for English) and only in it."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    message = body["error"]["message"]
    assert in_language(message, language), f"not a {language} catalogue text: {message!r}"
    result: dict[str, Any] = body["error"]
    return result


def later(hours: float) -> str:
    return (TUESDAY_9 + timedelta(hours=hours)).isoformat()
