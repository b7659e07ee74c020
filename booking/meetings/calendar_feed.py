"""Each caseworker's calendar feed: a published calendar at a secret URL they subscribe to.

Only a hash of the URL's token is kept; a new token ends the old URL. The feed shows citizens
by first name and initial only, with no phone numbers or e-mails, and links each meeting to
the caseworker's own start route.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Event, vText
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.i18n import DEFAULT_LANGUAGE, N_, translate
from booking.meetings.calendar import CalendarSettings, new_calendar
from booking.meetings.modes import IN_PERSON, PHONE, VIDEO, meeting_place, mode_name
from booking.models import Booking, BookingStatus, Caseworker
from booking.names import REDACTED, redact_cpr
from booking.slots import COPENHAGEN

# A calendar app fetches the feed without a session or a language preference: the default.
FEED_LANGUAGE = DEFAULT_LANGUAGE
FEED_PAST = timedelta(days=30)
FEED_REFRESH = "PT15M"
# secrets.token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
FEED_TOKEN_MAX_LENGTH = 100


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def rotate_feed_token(session: Session, caseworker: Caseworker) -> str:
    """Give the caseworker a new feed URL token; the old one stops working at once.

    Returns the token in plain text, to be shown once; only its SHA-256 is stored.
    """
    token = secrets.token_urlsafe(32)
    caseworker.calendar_feed_token_hash = _hash_token(token)
    session.flush()
    return token


def revoke_feed_token(session: Session, caseworker: Caseworker) -> None:
    """Turn the caseworker's feed off: every subscribed calendar stops getting updates."""
    caseworker.calendar_feed_token_hash = None
    session.flush()


def caseworker_for_feed_token(session: Session, token: str) -> Caseworker | None:
    """The active caseworker whose feed `token` opens, or None for an unknown or revoked token."""
    if not token or len(token) > FEED_TOKEN_MAX_LENGTH:
        return None
    return session.scalar(
        select(Caseworker).where(
            Caseworker.calendar_feed_token_hash == _hash_token(token),
            Caseworker.active.is_(True),
        )
    )


def minimised_name(full_name: str | None) -> str:
    """First name and the initial of the last name: "Anna Marie Jensen" → "Anna J."."""
    parts = [p for p in (redact_cpr(full_name) or "").split() if p != REDACTED]
    if not parts:
        return "borger"
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."


def feed_bookings(session: Session, caseworker: Caseworker, *, now: datetime) -> list[Booking]:
    """The caseworker's confirmed meetings from 30 days back onwards, oldest first."""
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.caseworker_id == caseworker.id,
                Booking.status == BookingStatus.CONFIRMED.value,
                Booking.start_at >= now - FEED_PAST,
            )
            .order_by(Booking.start_at)
        )
    )


# What the feed's link does, per mode. Phone numbers never go into the feed: the caseworker
# finds the number to call on the meeting page.
_FEED_ACTION = {
    VIDEO: N_("Start the meeting: %(url)s"),
    PHONE: N_("Call the citizen; the number is on the meeting page: %(url)s"),
    IN_PERSON: N_("The meeting: %(url)s"),
}


def caseworker_feed(
    caseworker: Caseworker,
    bookings: Iterable[Booking],
    settings: CalendarSettings,
    *,
    now: datetime,
) -> bytes:
    """The published calendar a caseworker subscribes to (Outlook, Google Calendar).

    Each meeting links to the caseworker's own start route; no phone numbers or e-mails.
    """
    calendar = new_calendar(method="PUBLISH")
    calendar.add("x-wr-calname", f"Borgerbooking: {caseworker.name}")
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    calendar.add("refresh-interval", vText(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    base = settings.links.public_base_url
    for booking in bookings:
        page_url = f"{base}/caseworker/meetings/{booking.reference}"
        video = (booking.mode or VIDEO) == VIDEO
        start_url = f"{page_url}/start" if video else page_url
        event = Event()
        event.add("uid", f"feed-{booking.reference}@{settings.uid_domain}")
        event.add("sequence", booking.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", booking.start_at.astimezone(COPENHAGEN))
        event.add("dtend", booking.end_at.astimezone(COPENHAGEN))
        name = minimised_name(booking.citizen_name)
        mode = mode_name(booking.mode, FEED_LANGUAGE, capital=True)
        event.add("summary", f"{mode}: {name}")
        event.add("url", start_url)
        place = meeting_place(booking, "da")
        event.add("location", start_url if video else (place.address if place else mode))
        event.add(
            "description",
            f"{booking.service.name(FEED_LANGUAGE)} · {booking.reference}\n"
            + translate(FEED_LANGUAGE, _FEED_ACTION[booking.mode or VIDEO], url=start_url),
        )
        event.add("status", "CONFIRMED")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
