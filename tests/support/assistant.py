"""Factories for the assistant's content: the shipped data imported, a valid new FAQ question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from booking.assistant import import_shipped
from booking.db import Database
from tests.support.clock import NOW

SHIPPED = Path(__file__).resolve().parents[2] / "bot" / "data"


def import_content(db: Database) -> None:
    with db.transaction() as session:
        import_shipped(session, SHIPPED, now=NOW)


def faq_payload(key: str = "parking_permit", **changes: Any) -> dict[str, Any]:
    """The admin API's body for a new FAQ question; `changes` replace its parts."""
    payload: dict[str, Any] = {
        "key": key,
        "examples": {
            "da": [
                "hvordan får jeg en parkeringstilladelse",
                "kan jeg søge om beboerlicens",
                "hvor søger man p-tilladelse",
            ],
            "en": [
                "how do I get a parking permit",
                "can I apply for a resident parking licence",
                "where do I apply for a parking permit",
            ],
        },
        "answer": {
            "da": "Du søger om parkeringstilladelse på kommunens hjemmeside.",
            "en": "You apply for a parking permit on the municipality's website.",
        },
    }
    payload.update(changes)
    return payload
