"""Fixtures shared by the web tests."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web.caseworker_support import Clock


@pytest.fixture
def clock(app: Flask) -> Clock:
    """The app's clock, fixed at the support module's NOW until a test advances it."""
    clock = Clock()
    app.extensions["clock"] = clock
    return clock
