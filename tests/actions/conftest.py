"""Fixtures for the action tests (run in .venv-bot): no web server, a fake at the client's port.

Actions get their client in the constructor; here it is `FakeBookingApi` (in memory) or, for
"the service is down", the real `BookingApi` pointed at a port where nothing listens. Trackers
and dispatchers are rasa_sdk's own (see support.py).
"""

from __future__ import annotations

import pytest

from actions.booking_api import BookingApi
from tests.support.fake_booking_api import FakeBookingApi
from tests.support.ports import free_port


@pytest.fixture()
def booking_api() -> FakeBookingApi:
    return FakeBookingApi()


@pytest.fixture()
def service_down() -> BookingApi:
    return BookingApi(f"http://127.0.0.1:{free_port()}/api/v1", "whatever")
