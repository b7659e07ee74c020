"""The caseworker workspace's views: the day, the calendar, a meeting, hours, the feed URL.

What a caseworker does to a meeting (start, cancel, move, mark, note) calls one booking use
case with the caseworker as principal; the use case checks ownership and state, writes the
audit event and queues the citizen's notifications. `web.staff.form_post` shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking import bookings as services
from booking import slots as avail
from booking.errors import BookingError
from booking.meetings import revoke_feed_token, rotate_feed_token
from booking.models import Booking, BookingStatus
from booking.slots import local_date, local_midnight
from web.auth.guards import current_principal
from web.caseworker import blueprint, forms
from web.caseworker.access import caseworker_required, me, my_caseworker, own_booking
from web.caseworker.events import (
    calendar_events,
    failed_notifications,
    meetings_between,
    parse_moment,
)
from web.caseworker.pages import STATUSES, availability_page, meeting_page
from web.extensions import get_db, now
from web.i18n import error_text
from web.meeting.page import render_meeting
from web.municipality import municipal_config
from web.staff import audit, form_post

# --- The day and the calendar -----------------------------------------------------------------


@blueprint.get("/")
@caseworker_required
def today() -> str:
    moment = now()
    day = local_date(moment)
    with get_db().transaction() as db:
        meetings = meetings_between(db, local_midnight(day), local_midnight(day + timedelta(1)))
        failed = failed_notifications(db, [m.id for m in meetings])
        for meeting in meetings:
            audit(db, "booking.list", booking=meeting)
    upcoming = [
        m for m in meetings if m.status == BookingStatus.CONFIRMED.value and m.end_at > moment
    ]
    return render_template(
        "caseworker/today.html",
        day=day,
        meetings=meetings,
        next_meeting=upcoming[0] if upcoming else None,
        failed=failed,
        now=moment,
        statuses=STATUSES,
        actions=current_app.view_functions,
    )


@blueprint.get("/calendar")
@caseworker_required
def calendar() -> str:
    return render_template("caseworker/calendar.html")


@blueprint.get("/events.json")
@caseworker_required
def events() -> Any:
    """FullCalendar's event source: meetings, working hours (background) and absences."""
    start = parse_moment(request.args.get("start"), "start")
    end = parse_moment(request.args.get("end"), "end")
    with get_db().transaction() as db:
        feed = calendar_events(db, start, end)
    return jsonify(feed)


# --- One meeting ------------------------------------------------------------------------------


def _principal() -> services.StaffPrincipal:
    principal = current_principal()
    assert principal is not None
    return principal


def _settings() -> services.BookingSettings:
    return services.BookingSettings.from_mapping(municipal_config())


def _to_meeting(reference: str) -> str:
    return url_for("caseworker.meeting", reference=reference)


def _refused_beside(field: str | Callable[[BookingError], str]) -> Callable[..., Any]:
    """The meeting page again, the refusal beside `field` (or the field `field(exc)` names)."""

    def refused(exc: BookingError, reference: str) -> Any:
        name = field(exc) if callable(field) else field
        status = 422 if exc.code in ("validation_failed", "invalid_start") else 409
        return meeting_page(reference, errors={name: error_text(exc)}, status=status)

    return refused


@blueprint.get("/meetings/<reference>")
@caseworker_required
def meeting(reference: str) -> Any:
    return meeting_page(reference)


@blueprint.get("/meetings/<reference>/start")
@caseworker_required
def start_meeting(reference: str) -> Any:
    """The meeting page with the caseworker as moderator (the token is minted there)."""
    with get_db().transaction() as db:
        owned = own_booking(db, reference)
        booking = db.scalars(
            select(Booking)
            .where(Booking.id == owned.id)
            .options(selectinload(Booking.caseworker), selectinload(Booking.service))
        ).one()
        assert booking is not None
        audit(db, "booking.start", booking=booking)
        display_name = booking.caseworker.name
    return render_meeting(booking, "caseworker", display_name, back_url=_to_meeting(reference))


@blueprint.post("/meetings/<reference>/cancel")
@caseworker_required
@form_post(
    lazy_gettext("The meeting is cancelled; the citizen is notified."),
    then=_to_meeting,
    refused=_refused_beside("cancel_reason"),
)
def cancel_meeting(reference: str) -> Any:
    reason = request.form.get("reason", "").strip()
    if not reason:
        return meeting_page(
            reference,
            errors={"cancel_reason": gettext("Give the citizen a reason.")},
            status=422,
        )
    services.cancel(
        get_db(), reference, auth=_principal(), reason=reason, now=now(), settings=_settings()
    )
    return None


@blueprint.post("/meetings/<reference>/move")
@caseworker_required
@form_post(
    lazy_gettext("The meeting is moved; the citizen is notified."),
    then=_to_meeting,
    refused=_refused_beside(forms.move_field),
)
def move_meeting(reference: str) -> Any:
    start, mode = forms.move_start(), forms.move_mode()
    with get_db().transaction() as db:
        current = db.scalar(select(Booking.mode).where(Booking.reference == reference))
    services.reschedule(
        get_db(),
        reference,
        start,
        auth=_principal(),
        now=now(),
        settings=_settings(),
        # the form always sends the mode; only a different one is a change of mode
        mode=mode if mode != current or start is None else None,
    )
    with get_db().transaction() as db:
        moved = db.scalar(select(Booking.caseworker_id).where(Booking.reference == reference))
    if moved != me().caseworker_id:
        flash(
            gettext("You were not free then, so a colleague took the meeting."),
            "warning",
        )
        return redirect(url_for("caseworker.today"))
    return None


@blueprint.post("/meetings/<reference>/completed")
@caseworker_required
@form_post(
    lazy_gettext("The meeting is marked as completed."),
    then=_to_meeting,
    refused=_refused_beside("outcome"),
)
def complete_meeting(reference: str) -> None:
    services.mark_completed(get_db(), reference, auth=_principal(), now=now())


@blueprint.post("/meetings/<reference>/no-show")
@caseworker_required
@form_post(
    lazy_gettext("The meeting is marked as no-show."),
    then=_to_meeting,
    refused=_refused_beside("outcome"),
)
def no_show(reference: str) -> None:
    services.mark_no_show(get_db(), reference, auth=_principal(), now=now())


@blueprint.post("/meetings/<reference>/note")
@caseworker_required
@form_post(lazy_gettext("The note was saved."), then=_to_meeting, refused=_refused_beside("note"))
def save_note(reference: str) -> None:
    note = request.form.get("note", "")
    services.set_note(get_db(), reference, note, auth=_principal(), now=now())


# --- Working hours and absences ---------------------------------------------------------------


ABSENCE_SAVED = lazy_gettext("The absence was saved.")


def _to_availability(**_: Any) -> str:
    return url_for("caseworker.availability")


def _absence_refused(exc: BookingError, **_: Any) -> Any:
    field = forms.absence_field(exc)
    return availability_page(errors={field: error_text(exc)}, form=forms.absence_form(), status=422)


@blueprint.get("/availability")
@caseworker_required
def availability() -> Any:
    return availability_page()


@blueprint.post("/availability/hours")
@caseworker_required
@form_post(lazy_gettext("The working hours were saved."), then=_to_availability)
def save_hours() -> Any:
    form = forms.hours_form()
    week, errors = forms.parse_week(form)
    if errors:
        return availability_page(errors=errors, form=form, status=422)
    with get_db().transaction() as db:
        avail.set_weekly_hours(my_caseworker(db), week)
    return None


@blueprint.post("/availability/absences")
@caseworker_required
@form_post(ABSENCE_SAVED, then=_to_availability, refused=_absence_refused)
def add_absence() -> Any:
    form = forms.absence_form()
    start, end = forms.absence_period(form)
    with get_db().transaction() as db:
        absence = avail.add_absence(
            db, my_caseworker(db), start=start, end=end, reason=form["reason"], now=now()
        )
        hit = len(avail.meetings_hit_by(db, absence.caseworker_id, start, end))
    if not hit:
        return None
    flash(str(ABSENCE_SAVED), "success")
    flash(
        ngettext(
            "%(num)d meeting falls in the absence and should be moved.",
            "%(num)d meetings fall in the absence and should be moved.",
            hit,
        ),
        "warning",
    )
    return redirect(_to_availability())


@blueprint.post("/availability/absences/<int:absence_id>/delete")
@caseworker_required
@form_post(lazy_gettext("The absence was removed."), then=_to_availability)
def remove_absence(absence_id: int) -> None:
    with get_db().transaction() as db:
        avail.remove_absence(db, my_caseworker(db), absence_id)


# --- The calendar feed URL --------------------------------------------------------------------


def _feed_url(token: str) -> str:
    return url_for("meeting.caseworker_calendar", token=token, _external=True)


@blueprint.get("/subscription")
@caseworker_required
def subscription(feed_url: str | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        active = my_caseworker(db).calendar_feed_token_hash is not None
    page = render_template("caseworker/subscription.html", active=active, feed_url=feed_url)
    return page, status


@blueprint.post("/subscription/rotate")
@caseworker_required
def rotate_subscription() -> Any:
    """A new secret URL; the old one stops working. Shown on this response only, never stored."""
    with get_db().transaction() as db:
        token = rotate_feed_token(db, my_caseworker(db))
        audit(db, "calendar_feed.rotate")
    return subscription(feed_url=_feed_url(token))


@blueprint.post("/subscription/revoke")
@caseworker_required
@form_post(
    lazy_gettext("The calendar subscription is turned off."),
    then=lambda: url_for("caseworker.subscription"),
)
def revoke_subscription() -> None:
    with get_db().transaction() as db:
        revoke_feed_token(db, my_caseworker(db))
        audit(db, "calendar_feed.revoke")
