"""iCalendar files: the citizen's invite for one booking, and each caseworker's subscribed feed.

The invite is an iTIP message (RFC 5546): `METHOD:REQUEST` with a `UID` that stays the same for
the life of the booking and a `SEQUENCE` the booking service bumps on every reschedule, so the
citizen's calendar moves the event instead of adding a second one; `METHOD:CANCEL` removes it.
The caseworker feed is a published calendar at a secret URL; only a hash of its token is kept,
and it shows citizens by first name and initial only.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.meetings.links import LinkSettings, meeting_url
from booking.models import Booking, BookingStatus, Caseworker

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PRODID = "-//Borgerbooking//Borgerbooking//DA"
FEED_PAST = timedelta(days=30)
FEED_REFRESH = "PT15M"
ALARM_BEFORE = timedelta(minutes=15)
# secrets.token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
FEED_TOKEN_MAX_LENGTH = 100


@dataclass(frozen=True)
class CalendarSettings:
    """Who the invites come from and where links point."""

    links: LinkSettings
    mail_from: str
    municipality_name: str = ""
    municipality_phone: str = ""
    open_before_minutes: int = 15

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> CalendarSettings:
        """Read PUBLIC_BASE_URL, SECRET_KEY, MAIL_FROM and MUNICIPALITY_* from a config mapping."""
        return cls(
            links=LinkSettings.from_mapping(config),
            mail_from=str(config.get("MAIL_FROM") or "Borgerbooking <noreply@example.dk>"),
            municipality_name=str(config.get("MUNICIPALITY_NAME") or ""),
            municipality_phone=str(config.get("MUNICIPALITY_PHONE") or ""),
            open_before_minutes=int(config.get("MEETING_OPEN_BEFORE_MINUTES", 15)),
        )

    @property
    def uid_domain(self) -> str:
        return urlsplit(self.links.public_base_url).hostname or "borgerbooking.invalid"


def invite_uid(booking: Booking, settings: CalendarSettings) -> str:
    """The invite's UID: the same for the booking's whole life, across reschedules."""
    return f"{booking.reference}@{settings.uid_domain}"


_INVITE_TEXT = {
    "da": {
        "summary": "Videomøde med {municipality}: {service}",
        "join": "Deltag i videomødet her: {url}",
        "window": "Linket åbner mødet {minutes} minutter før start.",
        "physical": (
            "Du har altid ret til at vælge et fysisk møde i stedet for et videomøde."
            " Ring til os på {phone}, hvis du ønsker det."
        ),
        "alarm": "Dit videomøde begynder om 15 minutter",
        "cancelled": "Mødet er aflyst.",
    },
    "en": {
        "summary": "Video meeting with {municipality}: {service}",
        "join": "Join the video meeting here: {url}",
        "window": "The link opens the meeting {minutes} minutes before the start.",
        "physical": (
            "You always have the right to choose an in-person meeting instead of a video"
            " meeting. Call us on {phone} if you would like one."
        ),
        "alarm": "Your video meeting starts in 15 minutes",
        "cancelled": "The meeting has been cancelled.",
    },
}


def citizen_invite(booking: Booking, settings: CalendarSettings, *, now: datetime) -> bytes:
    """The .ics for the citizen: REQUEST for a confirmed booking, CANCEL for a cancelled one.

    It carries the meeting page link, never a Jitsi token (that is minted only on the page).
    """
    cancelled = booking.status == BookingStatus.CANCELLED.value
    texts = _INVITE_TEXT["en" if booking.language == "en" else "da"]
    url = meeting_url(settings.links, booking.reference)
    municipality = settings.municipality_name or "kommunen"

    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", invite_uid(booking, settings))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", booking.start_at.astimezone(COPENHAGEN))
    event.add("dtend", booking.end_at.astimezone(COPENHAGEN))
    event.add(
        "summary",
        texts["summary"].format(
            municipality=municipality, service=booking.service.name(booking.language)
        ),
    )
    event.add("location", url)
    event.add("url", url)
    description = [
        texts["join"].format(url=url),
        texts["window"].format(minutes=settings.open_before_minutes),
        texts["physical"].format(phone=settings.municipality_phone or municipality),
    ]
    if cancelled:
        description.insert(0, texts["cancelled"])
    event.add("description", "\n\n".join(description))
    event.add("organizer", _organizer(settings))
    if booking.citizen_email:
        attendee = vCalAddress(f"mailto:{booking.citizen_email}")
        attendee.params["cn"] = vText(booking.citizen_name or booking.citizen_email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not cancelled:
        event.add_component(_alarm(texts["alarm"]))
    calendar.add_component(event)
    return calendar.to_ical()


def _calendar(*, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(copenhagen_vtimezone())
    return calendar


def copenhagen_vtimezone() -> Timezone:
    """Europe/Copenhagen with the EU summer-time rules, as Outlook and Google write it.

    Since 1996 summer time runs from the last Sunday of March (02:00 → 03:00) to the last
    Sunday of October (03:00 → 02:00). Rules instead of a list of dates keep the file small and
    correct for meetings in any year.
    """
    timezone = Timezone()
    timezone.add("tzid", "Europe/Copenhagen")
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("dtstart", datetime(1996, 3, 31, 2, 0))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


def _organizer(settings: CalendarSettings) -> vCalAddress:
    name, address = parseaddr(settings.mail_from)
    organizer = vCalAddress(f"mailto:{address or 'noreply@' + settings.uid_domain}")
    organizer.params["cn"] = vText(name or settings.municipality_name or "Borgerbooking")
    return organizer


def _alarm(text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


# --- The caseworker's feed -------------------------------------------------------------------


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
    parts = (full_name or "").split()
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
    calendar = _calendar(method="PUBLISH")
    calendar.add("x-wr-calname", f"Borgerbooking: {caseworker.name}")
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    calendar.add("refresh-interval", vText(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    base = settings.links.public_base_url
    for booking in bookings:
        start_url = f"{base}/caseworker/meetings/{booking.reference}/start"
        event = Event()
        event.add("uid", f"feed-{booking.reference}@{settings.uid_domain}")
        event.add("sequence", booking.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", booking.start_at.astimezone(COPENHAGEN))
        event.add("dtend", booking.end_at.astimezone(COPENHAGEN))
        event.add("summary", f"Videomøde: {minimised_name(booking.citizen_name)}")
        event.add("url", start_url)
        event.add("location", start_url)
        event.add(
            "description",
            f"{booking.service.name_da} · {booking.reference}\n"
            f"Start mødet / Start the meeting: {start_url}",
        )
        event.add("status", "CONFIRMED")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
