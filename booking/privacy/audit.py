"""The audit log: who saw or changed what about a citizen's booking, and when.

Events hold identifiers and action names only, never the citizen's personal data, so the log
can outlive the retention period of the bookings it describes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from booking.models import AuditEvent


def record_event(
    session: Session,
    *,
    actor_type: str,
    actor_id: str | int | None,
    action: str,
    booking_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the change).

    actor_type: "user" (caseworker/admin), "citizen", "service" (a trusted API caller) or
    "system" (the worker). Reads are recorded too: "booking.view", "booking.export".
    """
    event = AuditEvent(
        at=now,
        actor_type=actor_type,
        actor_id=None if actor_id is None else str(actor_id),
        action=action,
        booking_id=booking_id,
        detail=detail or {},
    )
    session.add(event)
    return event
