"""Schemathesis over every operation of /api/v1/openapi.json, in-process against the WSGI app.

Each operation is one test: the app on a fresh SQLite copy with the demo data, an administrator
with an API key (the admin API), a service token (the public API), Rasa's HTTP API a stand-in
on loopback, the clock fixed. Schemathesis sends examples, boundary values, valid and invalid
data (a bounded, deterministic number of cases), and unsupported methods, and runs all its checks:
no 5xx, every status, content type, header and body as the document declares, invalid data
rejected with a 4xx, valid data accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from booking.db import Database
from booking.staff import create_api_key, find_user_by_email
from tests.support.clock import NOW
from tests.support.fake_rasa_api import TOKEN, FakeRasaApi, fake_rasa_api
from tests.support.staff import ADMIN_EMAIL, make_user
from web import create_app

pytestmark = pytest.mark.slow

SERVICE_TOKEN = "fuzz-service-token"
MAX_EXAMPLES = 25

# Valid data may still break a rule the schema cannot say (a time in the past, a slot taken, an
# unknown service, a reference without its booking); the document declares those answers.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": 20261206,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
        },
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            },
        },
    }
)


@pytest.fixture
def rasa() -> Iterator[FakeRasaApi]:
    with fake_rasa_api() as fake:
        yield fake


@pytest.fixture
def app_settings(rasa: FakeRasaApi, tmp_path: Path) -> dict[str, Any]:
    return {
        "SERVICE_TOKENS": [SERVICE_TOKEN],
        "RASA_URLS": [rasa.url],
        "RASA_TOKEN": TOKEN,
        "ASSISTANT_MODELS_DIR": str(tmp_path / "candidates"),
        "RASA_LOAD_TIMEOUT_SECONDS": 5,
    }


@pytest.fixture
def admin_key(db: Database, staff: int) -> str:
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    with db.transaction() as session:
        user = find_user_by_email(session, ADMIN_EMAIL)
        assert user is not None
        return create_api_key(session, user, name="fuzz", now=NOW).secret


def _document_app() -> Flask:
    """An app only to read the document from (it depends on the routes, not on data)."""
    return create_app("testing", DATABASE_URL="sqlite://")


# Loaded at collection (schemathesis' fixture loader needs pytest < 9); the cases run against
# each test's own app below.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_the_contract(case: Any, app: Flask, admin_key: str) -> None:
    token = admin_key if case.path.startswith("/admin/") else SERVICE_TOKEN
    headers = {"Authorization": f"Bearer {token}"}
    if _drops_credentials(case):
        headers = {}  # the case tests that the key is required: send it without
    case.call_and_validate(app=app, headers=headers)


def _drops_credentials(case: Any) -> bool:
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    negative = header is not None and header.mode == GenerationMode.NEGATIVE
    return negative and "Authorization" not in (case.headers or {})
