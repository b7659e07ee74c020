"""What a caseworker does to a meeting: start it, cancel or move it, mark it, keep a note.

Each action calls one booking use case with the caseworker as principal; the use case
checks ownership and state, writes the audit event and queues the citizen's notifications.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking import bookings as services
from booking.errors import BookingError, NotAllowed, NotFound
from booking.models import Booking
from booking.slots import local_moment
from web.auth import current_principal
from web.caseworker.common import audit, blueprint, caseworker_required, me, own_booking
from web.caseworker.meetings import meeting_page
from web.extensions import get_db, now
from web.meeting import render_meeting


def _principal() -> services.StaffPrincipal:
    principal = current_principal()
    assert principal is not None
    return principal


def _settings() -> services.BookingSettings:
    return services.BookingSettings.from_mapping(current_app.config)


def _done(reference: str, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("caseworker.meeting", reference=reference))


def _refused(reference: str, exc: BookingError, field: str) -> Any:
    if isinstance(exc, NotFound | NotAllowed):
        abort(404)
    status = 422 if exc.code in ("validation_failed", "invalid_start") else 409
    return meeting_page(reference, errors={field: exc.message}, status=status)


@blueprint.get("/meetings/<reference>/start")
@caseworker_required
def start_meeting(reference: str) -> Any:
    """The meeting page with the caseworker as moderator (the token is minted there)."""
    with get_db().transaction() as db:
        booking = own_booking(db, reference)
        booking = db.scalar(
            select(Booking)
            .where(Booking.id == booking.id)
            .options(selectinload(Booking.caseworker), selectinload(Booking.service))
        )
        assert booking is not None
        audit(db, booking, "booking.start")
        display_name = booking.caseworker.name
    return render_meeting(
        booking,
        "caseworker",
        display_name,
        back_url=url_for("caseworker.meeting", reference=reference),
    )


@blueprint.post("/meetings/<reference>/cancel")
@caseworker_required
def cancel_meeting(reference: str) -> Any:
    reason = request.form.get("reason", "").strip()
    if not reason:
        return meeting_page(
            reference,
            errors={"cancel_reason": "Skriv en årsag til borgeren. / Give the citizen a reason."},
            status=422,
        )
    try:
        services.cancel(
            get_db(), reference, auth=_principal(), reason=reason, now=now(), settings=_settings()
        )
    except BookingError as exc:
        return _refused(reference, exc, "cancel_reason")
    return _done(
        reference, "Mødet er aflyst, og borgeren får besked. / Cancelled; the citizen is notified."
    )


@blueprint.post("/meetings/<reference>/move")
@caseworker_required
def move_meeting(reference: str) -> Any:
    try:
        start = local_moment(request.form.get("date", ""), request.form.get("time", ""), "date")
        services.reschedule(
            get_db(), reference, start, auth=_principal(), now=now(), settings=_settings()
        )
    except BookingError as exc:
        field = "move_date" if exc.field in ("date", "start", None) else f"move_{exc.field}"
        return _refused(reference, exc, field)
    with get_db().transaction() as db:
        moved = db.scalar(select(Booking.caseworker_id).where(Booking.reference == reference))
        other = moved != me().caseworker_id
    if other:
        flash(
            "Du var ikke ledig på det tidspunkt, så en kollega har overtaget mødet. / "
            "You were not free then, so a colleague took the meeting.",
            "warning",
        )
        return redirect(url_for("caseworker.today"))
    return _done(
        reference, "Mødet er flyttet, og borgeren får besked. / Moved; the citizen is notified."
    )


@blueprint.post("/meetings/<reference>/completed")
@caseworker_required
def complete_meeting(reference: str) -> Any:
    try:
        services.mark_completed(get_db(), reference, auth=_principal(), now=now())
    except BookingError as exc:
        return _refused(reference, exc, "outcome")
    return _done(reference, "Mødet er markeret som afholdt. / Marked as completed.")


@blueprint.post("/meetings/<reference>/no-show")
@caseworker_required
def no_show(reference: str) -> Any:
    try:
        services.mark_no_show(get_db(), reference, auth=_principal(), now=now())
    except BookingError as exc:
        return _refused(reference, exc, "outcome")
    return _done(reference, "Mødet er markeret som udeblevet. / Marked as no-show.")


@blueprint.post("/meetings/<reference>/note")
@caseworker_required
def save_note(reference: str) -> Any:
    try:
        services.set_note(
            get_db(), reference, request.form.get("note", ""), auth=_principal(), now=now()
        )
    except BookingError as exc:
        return _refused(reference, exc, "note")
    return _done(reference, "Noten er gemt. / The note was saved.")
