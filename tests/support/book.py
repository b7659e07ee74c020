"""Walking through /book with the test client: CSRF tokens, valid answers for every step."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.support.api import TUESDAY_9

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

VALID = {
    "service": {"service": "jobcenter"},
    "time": {"meeting_time": TUESDAY_9.isoformat()},
    "details": {
        "citizen_name": "Anna  Jensen",
        "citizen_phone": "20 30 40 50",
        "citizen_email": "anna@example.dk",
    },
    "consent": {"consent_given": "yes"},
}
PATHS = {
    "service": "/book/",
    "time": "/book/time",
    "details": "/book/details",
    "consent": "/book/consent",
    "confirm": "/book/confirm",
}
ORDER = ("service", "time", "details", "consent")


def csrf(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def submit(client: FlaskClient, step: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
    """GET the step's page, then POST `data` (default: a valid answer) with its CSRF token."""
    page = client.get(PATHS[step], **kw)
    assert page.status_code == 200, (step, page.status_code, page.headers.get("Location"))
    body = VALID.get(step, {}) if data is None else data
    return client.post(
        PATHS[step], data={**body, "csrf_token": csrf(page.get_data(as_text=True))}, **kw
    )


def walk(client: FlaskClient, until: str = "confirm", **kw: Any) -> None:
    """Answer every step before `until` with valid input."""
    for step in ORDER:
        if step == until:
            return
        response = submit(client, step, **kw)
        assert response.status_code == 303, (step, response.get_data(as_text=True)[:2000])
