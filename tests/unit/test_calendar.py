"""The citizen's invite and the caseworker's feed, parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.meetings import (
    CalendarSettings,
    LinkSettings,
    caseworker_feed,
    citizen_invite,
    meeting_url,
    minimised_name,
)
from booking.models import Booking, Caseworker, Service

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2030, 11, 20, 12, 0, tzinfo=UTC)
SETTINGS = CalendarSettings(
    links=LinkSettings("https://booking.kommune.test", "s" * 40),
    mail_from="Eksempel Kommune <noreply@kommune.test>",
    municipality_name="Eksempel Kommune",
    municipality_phone="+45 70 12 34 56",
)


def make_booking(**overrides: object) -> Booking:
    start = overrides.pop("start", datetime(2030, 12, 1, 9, 0, tzinfo=UTC))
    assert isinstance(start, datetime)
    fields: dict[str, object] = {
        "id": 1,
        "reference": "K7M2-9QXD",
        "service": Service(
            code="jobcenter",
            name_da="Samtale i jobcenteret",
            name_en="Job centre meeting",
            duration_minutes=30,
        ),
        "start_at": start,
        "end_at": start + timedelta(minutes=30),
        "status": "confirmed",
        "citizen_name": "Anna Marie Jensen",
        "citizen_phone": "+4512345678",
        "citizen_email": "anna@example.dk",
        "language": "da",
        "sequence": 0,
        "room_name": "f" * 40,
    }
    fields.update(overrides)
    return Booking(**fields)


def parse(ics: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_invite_is_a_request_in_copenhagen_time_with_the_meeting_link() -> None:
    booking = make_booking()

    calendar, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert calendar["METHOD"] == "REQUEST"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Copenhagen"
    assert start == booking.start_at and end == booking.end_at
    assert (start.hour, start.minute) == (10, 0)  # 09:00 UTC is 10:00 in winter
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    url = meeting_url(SETTINGS.links, booking.reference)
    assert str(event["URL"]) == url
    assert str(event["LOCATION"]) == url
    assert str(event["UID"]) == "K7M2-9QXD@booking.kommune.test"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:noreply@kommune.test"
    # The title shows in shared calendars: the service is named in the description only.
    assert str(event["SUMMARY"]) == "Videomøde med Eksempel Kommune"
    description = str(event["DESCRIPTION"])
    assert "Samtale i jobcenteret" in description
    assert url in description
    assert "fysisk møde" in description and "+45 70 12 34 56" in description


def test_the_invite_never_carries_a_jitsi_token_or_the_room_name() -> None:
    ics = citizen_invite(make_booking(), SETTINGS, now=NOW)

    assert b"jwt" not in ics.lower()
    assert b"eyJ" not in ics  # the start of every JWT
    assert b"f" * 40 not in ics


def test_the_invite_has_a_vtimezone_that_is_right_on_both_sides_of_summer_time() -> None:
    calendar, _ = parse(citizen_invite(make_booking(), SETTINGS, now=NOW))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Copenhagen"
    # Use the VTIMEZONE's own rules, not a lookup of the name in the local tz database.
    rules = vtimezone.to_tz(lookup_tzid=False)
    for moment in [
        datetime(2030, 3, 31, 0, 59, tzinfo=UTC),  # just before summer time
        datetime(2030, 3, 31, 1, 0, tzinfo=UTC),  # summer time begins
        datetime(2030, 10, 27, 0, 59, tzinfo=UTC),
        datetime(2030, 10, 27, 1, 0, tzinfo=UTC),  # back to standard time
        datetime(2041, 7, 1, 12, 0, tzinfo=UTC),  # after 2038 as well
        datetime(2041, 12, 1, 12, 0, tzinfo=UTC),
    ]:
        assert moment.astimezone(rules).utcoffset() == moment.astimezone(COPENHAGEN).utcoffset()


def test_a_summer_meeting_is_at_the_right_local_time() -> None:
    booking = make_booking(start=datetime(2030, 6, 4, 7, 30, tzinfo=UTC))

    _, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (9, 30)
    assert start == booking.start_at


def test_the_uid_stays_and_the_sequence_increments_when_the_booking_is_moved() -> None:
    booking = make_booking()
    _, first = parse(citizen_invite(booking, SETTINGS, now=NOW))

    # What the booking service does on reschedule.
    booking.start_at += timedelta(days=2)
    booking.end_at += timedelta(days=2)
    booking.sequence += 1
    _, moved = parse(citizen_invite(booking, SETTINGS, now=NOW + timedelta(hours=1)))

    assert moved["UID"] == first["UID"]
    assert int(moved["SEQUENCE"]) == int(first["SEQUENCE"]) + 1 == 1
    assert moved.decoded("DTSTART") == booking.start_at
    assert moved.decoded("DTSTAMP") > first.decoded("DTSTAMP")


def test_a_cancelled_booking_gives_a_cancel_with_the_same_uid_and_no_alarm() -> None:
    booking = make_booking(sequence=2)
    _, request = parse(citizen_invite(booking, SETTINGS, now=NOW))

    booking.status = "cancelled"
    booking.sequence = 3
    calendar, cancel = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert calendar["METHOD"] == "CANCEL"
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert cancel["UID"] == request["UID"]
    assert int(cancel["SEQUENCE"]) == 3
    assert cancel.walk("VALARM") == []
    assert "aflyst" in str(cancel["DESCRIPTION"])


def test_a_confirmed_invite_reminds_15_minutes_before() -> None:
    _, event = parse(citizen_invite(make_booking(), SETTINGS, now=NOW))

    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)


def test_the_invite_is_in_english_for_an_english_booking() -> None:
    _, event = parse(citizen_invite(make_booking(language="en"), SETTINGS, now=NOW))

    assert str(event["SUMMARY"]) == "Video meeting with Eksempel Kommune"
    assert "Job centre meeting" in str(event["DESCRIPTION"])
    assert "in-person meeting" in str(event["DESCRIPTION"])


def test_a_citizen_without_email_gets_an_invite_without_attendee() -> None:
    _, event = parse(citizen_invite(make_booking(citizen_email=None), SETTINGS, now=NOW))

    assert "ATTENDEE" not in event


def test_the_settings_come_from_the_app_config() -> None:
    settings = CalendarSettings.from_mapping(
        {
            "PUBLIC_BASE_URL": "https://booking.aarhus.test/",
            "SECRET_KEY": "k" * 40,
            "MAIL_FROM": "Aarhus Kommune <booking@aarhus.test>",
            "MEETING_OPEN_BEFORE_MINUTES": 10,
        }
    )
    _, event = parse(citizen_invite(make_booking(), settings, now=NOW))

    assert str(event["UID"]) == "K7M2-9QXD@booking.aarhus.test"
    assert str(event["ORGANIZER"]) == "mailto:booking@aarhus.test"
    assert "10 minutter" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Anna Marie Jensen", "Anna J."),
        ("Anna Jensen", "Anna J."),
        ("  Mohammed   al-Sayed ", "Mohammed A."),
        ("Anna", "Anna"),
        ("", "borger"),
        (None, "borger"),
        ("Øjvind østergaard", "Øjvind Ø."),
    ],
)
def test_names_in_the_feed_are_first_name_and_initial(full: str | None, short: str) -> None:
    assert minimised_name(full) == short


def test_the_feed_is_published_with_minimised_names_and_the_start_links() -> None:
    caseworker = Caseworker(id=3, name="Mette Holm", email="mj@kommune.test")
    bookings = [
        make_booking(reference="AAAA-BBBB"),
        make_booking(
            reference="CCCC-DDDD",
            citizen_name="Bo Hansen",
            start=datetime(2030, 12, 2, 9, 0, tzinfo=UTC),
        ),
    ]

    ics = caseworker_feed(caseworker, bookings, SETTINGS, now=NOW)
    calendar = Calendar.from_ical(ics)

    assert calendar.get("METHOD") in (None, "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "Borgerbooking: Mette Holm"
    assert "REFRESH-INTERVAL" in calendar and "X-PUBLISHED-TTL" in calendar
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Videomøde: Anna J.", "Videomøde: Bo H."]
    assert str(events[0]["URL"]) == (
        "https://booking.kommune.test/caseworker/meetings/AAAA-BBBB/start"
    )
    assert events[1].decoded("DTSTART") == bookings[1].start_at
    for forbidden in [b"Marie", b"Jensen", b"Hansen", b"+4512345678", b"anna@example.dk"]:
        assert forbidden not in ics
    # The citizen's link key is not in the caseworker's feed either.
    assert meeting_url(SETTINGS.links, "AAAA-BBBB").encode() not in ics
    assert len(calendar.walk("VTIMEZONE")) == 1
