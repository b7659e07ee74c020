"""The booking in progress, kept in the signed session cookie between the steps of /book.

Nothing is written to the database before the last step; a draft holds only what the citizen
has chosen so far. Each step's page checks that the steps before it are done.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from flask import session

SESSION_KEY = "book_draft"
DONE_KEY = "book_done"

# The steps in order, each with the draft fields it fills.
STEPS = (
    ("service", ("service",)),
    ("mode", ("mode",)),  # skipped (filled in by the service step) when only one is offered
    ("time", ("meeting_time",)),
    ("details", ("citizen_name", "citizen_phone")),
    ("consent", ("consent_version",)),
    ("confirm", ()),
)


@dataclass
class Draft:
    service: str | None = None
    mode: str | None = None  # video, phone or in_person: one the service offers
    meeting_time: str | None = None  # ISO 8601 with offset, as offered
    citizen_name: str | None = None
    citizen_phone: str | None = None
    citizen_email: str | None = None
    consent_version: int | None = None  # the version of the booking text the citizen accepted
    sms_version: int | None = None  # set when SMS reminders were chosen
    # One key per draft: a confirm sent twice books once (the second answer is replayed).
    idempotency_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def first_missing_step(self) -> str:
        """The first step whose fields are not filled in yet ("confirm" when all are)."""
        for step, names in STEPS:
            if any(getattr(self, name) in (None, "") for name in names):
                return step
        return "confirm"

    def ready_for(self, step: str) -> bool:
        order = [name for name, _ in STEPS]
        return order.index(self.first_missing_step()) >= order.index(step)


def load() -> Draft:
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return Draft()
    known = {f.name for f in fields(Draft)}
    values: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
    return Draft(**values)


def save(draft: Draft) -> None:
    session[SESSION_KEY] = asdict(draft)


def clear() -> None:
    session.pop(SESSION_KEY, None)


def remember_done(reference: str, manage_token: str) -> None:
    session[DONE_KEY] = {"reference": reference, "manage_token": manage_token}


def done() -> dict[str, str] | None:
    raw = session.get(DONE_KEY)
    return raw if isinstance(raw, dict) else None
