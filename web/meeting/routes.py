"""The citizen's meeting page, calendar invite and SMS opt-out, and the caseworker's feed.

Citizen routes live under /m/<reference>/<key>: the key is the signed link key from
`booking.meetings.links`, so the same link works from the confirmation, every reminder and the .ics.
It opens the meeting, the invite and the SMS opt-out, never cancelling or moving the booking.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking import privacy as consent
from booking.meetings import (
    MEETING,
    CalendarSettings,
    MeetingState,
    caseworker_feed,
    caseworker_for_feed_token,
    citizen_invite,
    feed_bookings,
    invite_method,
    verify_link_key,
)
from booking.models import Booking, Caseworker, ConsentPurpose, User
from booking.notify.outbox import stop_booking_sms_reminders
from booking.privacy import record_event
from web.extensions import get_db, now
from web.i18n import prefer_language
from web.meeting import blueprint
from web.meeting.page import render_meeting
from web.municipality import municipal_config
from web.ratelimits import limit_of, limiter

SMS = ConsentPurpose.SMS_REMINDERS.value


def _limit() -> str:
    return limit_of("RATELIMIT_PUBLIC")


# --- Citizen routes ---------------------------------------------------------------------------


def _citizen_booking(db: Session, reference: str, key: str) -> Booking:
    """The booking the signed link points to; 404 for a wrong key or an anonymised booking."""
    secret = str(current_app.config["SECRET_KEY"])
    if len(reference) > 16 or not verify_link_key(secret, MEETING, reference, key):
        abort(404)
    booking = db.scalar(
        select(Booking)
        .where(Booking.reference == reference)
        .options(selectinload(Booking.consents), selectinload(Booking.service))
    )
    if booking is None or booking.anonymised_at is not None:
        abort(404)
    return booking


def _audit(db: Session, booking: Booking, action: str) -> None:
    record_event(
        db, actor_type="citizen", actor_id=None, action=action, booking_id=booking.id, now=now()
    )


def _citizen_links(reference: str, key: str) -> dict[str, str]:
    return {
        "invite": url_for("meeting.invite", reference=reference, key=key),
        "stop_sms": url_for("meeting.stop_sms", reference=reference, key=key),
        "page": url_for("meeting.citizen_page", reference=reference, key=key),
    }


@blueprint.get("/m/<reference>/<key>")
@limiter.limit(_limit)
def citizen_page(reference: str, key: str) -> Response:
    with get_db().transaction() as db:
        booking = _citizen_booking(db, reference, key)
        response = render_meeting(
            booking,
            "citizen",
            links=_citizen_links(reference, key),
            sms_reminders_active=consent.has_active_consent(booking, SMS),
        )
        if response.headers.get("X-Meeting-State") == MeetingState.OPEN.value:
            _audit(db, booking, "meeting.join")
    return response


@blueprint.get("/m/<reference>/<key>/invite.ics")
@limiter.limit(_limit)
def invite(reference: str, key: str) -> Response:
    with get_db().transaction() as db:
        booking = _citizen_booking(db, reference, key)
        body = citizen_invite(booking, CalendarSettings.from_mapping(municipal_config()), now=now())
        _audit(db, booking, "invite.download")
    response = make_response(body)
    response.headers["Content-Type"] = (
        f"text/calendar; charset=utf-8; method={invite_method(booking)}"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="moede-{reference}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/m/<reference>/<key>/stop-sms", methods=["GET", "POST"])
@limiter.limit(_limit)
def stop_sms(reference: str, key: str) -> Any:
    """Withdraw the SMS-reminder consent: a confirm page (GET), then the withdrawal (POST)."""
    with get_db().transaction() as db:
        booking = _citizen_booking(db, reference, key)
        active = consent.has_active_consent(booking, SMS)
        done = False
        if request.method == "POST" and active:
            moment = now()
            stop_booking_sms_reminders(db, booking, now=moment, via="web")
            _audit(db, booking, "consent.withdraw.sms_reminders")
            done = True
    prefer_language(booking.language)
    page = render_template(
        "meeting/stop_sms.html",
        booking=booking,
        active=active and not done,
        done=done,
        already=not active,
        links=_citizen_links(reference, key),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- The caseworker's calendar feed -----------------------------------------------------------


@blueprint.get("/calendar/<token>.ics")
@limiter.limit(_limit)
def caseworker_calendar(token: str) -> Response:
    """A secret, revocable feed for Outlook or Google Calendar; 404 for an unknown token."""
    with get_db().transaction() as db:
        caseworker: Caseworker | None = caseworker_for_feed_token(db, token)
        if caseworker is None:
            abort(404)
        moment = now()
        bookings = feed_bookings(db, caseworker, now=moment)
        for booking in bookings:
            booking.service  # noqa: B018 - load before the session closes
        body = caseworker_feed(
            caseworker, bookings, CalendarSettings.from_mapping(municipal_config()), now=moment
        )
        user_id = db.scalar(select(User.id).where(User.caseworker_id == caseworker.id))
        record_event(
            db,
            actor_type="user",
            actor_id=user_id,
            action="calendar_feed.read",
            detail={"meetings": len(bookings)},
            now=moment,
        )
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
