"""What every caseworker page shares: the blueprint, the guard, own-booking lookup, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.bookings import tokens
from booking.models import Booking, Caseworker, Role
from booking.privacy import record_event
from booking.slots import COPENHAGEN
from web.auth import CurrentUser, current_user, role_required
from web.extensions import now

blueprint = Blueprint("caseworker", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def caseworker_required(view: F) -> F:
    """A logged-in user with the caseworker role who is linked to a caseworker."""

    @role_required(Role.CASEWORKER.value)
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None or user.caseworker_id is None:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def me() -> CurrentUser:
    user = current_user()
    assert user is not None and user.caseworker_id is not None
    return user


def my_caseworker(db: Session) -> Caseworker:
    caseworker = db.get(Caseworker, me().caseworker_id)
    if caseworker is None:
        abort(403)
    return caseworker


def own_booking(db: Session, reference: str) -> Booking:
    """The booking with this reference if it is the logged-in caseworker's; 404 otherwise.

    Someone else's booking answers exactly like a missing one, so references cannot be probed.
    """
    booking = db.scalar(
        select(Booking)
        .where(
            Booking.reference == (tokens.parse_reference(reference) or ""),
            Booking.caseworker_id == me().caseworker_id,
        )
        .options(selectinload(Booking.consents), selectinload(Booking.service))
    )
    if booking is None:
        abort(404)
    return booking


def audit(db: Session, booking: Booking, action: str, **detail: Any) -> None:
    """Record that the logged-in user saw or changed a citizen's booking."""
    record_event(
        db,
        actor_type="user",
        actor_id=me().id,
        action=action,
        booking_id=booking.id,
        detail=detail,
        now=now(),
    )


def localtime(moment: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """Jinja filter: an aware datetime shown in Copenhagen time."""
    if moment is None:
        return ""
    return moment.astimezone(COPENHAGEN).strftime(fmt)


WEEKDAYS = (
    "mandag / Monday",
    "tirsdag / Tuesday",
    "onsdag / Wednesday",
    "torsdag / Thursday",
    "fredag / Friday",
    "lørdag / Saturday",
    "søndag / Sunday",
)


def localday(moment: datetime) -> str:
    """Jinja filter: "onsdag / Wednesday 25-11-2026" in Copenhagen time (no locale needed)."""
    local = moment.astimezone(COPENHAGEN)
    return f"{WEEKDAYS[local.weekday()]} {local:%d-%m-%Y}"
