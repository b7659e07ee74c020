"""Fixtures for the end-to-end tests (run in .venv-bot): the real booking service on loopback,
and the assistant (Rasa + action server) started once per session, as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.booking_api import BookingApi
from tests.e2e.stack import (
    MODEL,
    TRANSCRIPT_KEPT_SECONDS,
    WEB_VENV,
    Assistant,
    BookingService,
    running_assistant,
    running_booking_service,
)
from tests.support.redis import running_redis


@pytest.fixture(scope="session")
def booking_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BookingService]:
    if not (WEB_VENV / "gunicorn").exists():
        pytest.fail("the web venv (.venv) is missing: run `make setup` first")
    with running_booking_service(tmp_path_factory.mktemp("booking-service")) as service:
        yield service


@pytest.fixture()
def real_api(booking_service: BookingService) -> BookingApi:
    """The action server's client, configured as in production (URL + service token)."""
    return BookingApi(booking_service.base_url, booking_service.token)


@pytest.fixture(scope="session")
def assistant(
    booking_service: BookingService, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make bot-train` first")
    tmp = tmp_path_factory.mktemp("assistant")
    # Redis as lock store (as in production with several Rasa processes), when installed
    with running_redis(tmp) as redis_url:
        extra = {"REDIS_URL": redis_url} if redis_url else {}
        # a transcript kept with the citizen's consent ends after TRANSCRIPT_KEPT_SECONDS, so
        # the end of its retention period is observable (tests/e2e/test_conversation_privacy.py)
        extra["TRANSCRIPT_RETENTION_DAYS"] = str(TRANSCRIPT_KEPT_SECONDS / 86400)
        with running_assistant(tmp, booking_service, **extra) as running:
            yield running
