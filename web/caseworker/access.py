"""Who may use a caseworker page: the guard, the logged-in caseworker, own-booking lookup."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.bookings import tokens
from booking.models import Booking, Caseworker, Role
from web.auth.guards import CurrentUser, current_user, role_required

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
