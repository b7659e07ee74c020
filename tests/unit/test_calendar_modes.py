"""What the invite and the caseworker's feed say for each meeting mode, and when an invite is
a request, a cancellation or a published event."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from booking.meetings import caseworker_feed, citizen_invite, meeting_url
from booking.models import Caseworker, Service
from tests.unit.test_calendar import NOW, SETTINGS, make_booking, parse

JOIN_DA = "Deltag i videomødet"
JOIN_EN = "Join the video meeting"


def service(**overrides: object) -> Service:
    fields: dict[str, object] = {
        "code": "sundhedspleje",
        "name_da": "Sundhedsplejerske",
        "name_en": "Health visitor",
        "duration_minutes": 30,
        "modes": ["video", "phone", "in_person"],
        "address_da": "Sundhedsplejen, Torvet 1, 1. sal",
        "address_en": "Health visitors, Torvet 1, 1st floor",
        "directions_da": "Indgang fra gården.",
        "directions_en": "Entrance from the courtyard.",
    }
    fields.update(overrides)
    return Service(**fields)


def test_a_phone_invite_says_who_calls_whom_and_has_no_video_link() -> None:
    booking = make_booking(
        service=service(), mode="phone", room_name=None, citizen_phone="+4520304050"
    )

    calendar, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert calendar["METHOD"] == "REQUEST"
    assert str(event["SUMMARY"]) == "Telefonmøde med Eksempel Kommune"
    assert str(event["LOCATION"]) == "Telefonmøde"
    description = str(event["DESCRIPTION"])
    assert "Din sagsbehandler ringer til dig på +45 20 30 40 50." in description
    assert JOIN_DA not in description
    (alarm,) = event.walk("VALARM")
    assert "telefonmøde" in str(alarm["DESCRIPTION"])


def test_an_in_person_invite_carries_the_address_and_directions() -> None:
    booking = make_booking(service=service(), mode="in_person", room_name=None, language="en")

    _, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert str(event["SUMMARY"]) == "In-person meeting with Eksempel Kommune"
    assert str(event["LOCATION"]) == "Health visitors, Torvet 1, 1st floor"
    description = str(event["DESCRIPTION"])
    assert "Entrance from the courtyard." in description
    assert JOIN_EN not in description
    # the meeting page with the details is still linked
    assert str(event["URL"]) == meeting_url(SETTINGS.links, booking.reference)


def test_the_caseworkers_own_address_wins_over_the_services() -> None:
    caseworker = Caseworker(
        name="Signe Pedersen",
        email="sp@kommune.test",
        address_da="Sundhedshuset, Vestergade 5",
        address_en="",
        directions_da="",
        directions_en="",
    )
    booking = make_booking(
        service=service(), caseworker=caseworker, mode="in_person", room_name=None
    )

    _, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    # no English address given: the Danish one is used rather than the service's
    assert str(event["LOCATION"]) == "Sundhedshuset, Vestergade 5"


@pytest.mark.parametrize("mode", ["video", "phone", "in_person"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_the_title_never_names_the_service_but_the_description_does(
    mode: str, language: str
) -> None:
    booking = make_booking(service=service(), mode=mode, language=language)

    _, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    name = "Health visitor" if language == "en" else "Sundhedsplejerske"
    assert name.lower() not in str(event["SUMMARY"]).lower()
    assert "sundhed" not in str(event["SUMMARY"]).lower()
    assert name in str(event["DESCRIPTION"])


@pytest.mark.parametrize("mode", ["video", "phone", "in_person"])
def test_a_cancellation_no_longer_tells_the_citizen_to_join(mode: str) -> None:
    booking = make_booking(service=service(), mode=mode, status="cancelled", sequence=2)

    calendar, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert calendar["METHOD"] == "CANCEL"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Mødet er aflyst.")
    assert JOIN_DA not in description
    assert "ringer til dig" not in description
    assert event.walk("VALARM") == []


@pytest.mark.parametrize("status", ["confirmed", "cancelled"])
def test_without_an_email_the_invite_is_published_not_requested(status: str) -> None:
    booking = make_booking(citizen_email=None, status=status)

    calendar, event = parse(citizen_invite(booking, SETTINGS, now=NOW))

    assert calendar["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in event
    assert str(event["STATUS"]) == ("CANCELLED" if status == "cancelled" else "CONFIRMED")


def test_the_feed_names_the_mode_and_never_the_citizens_number() -> None:
    caseworker = Caseworker(id=3, name="Mette Holm", email="mj@kommune.test")
    bookings = [
        make_booking(reference="AAAA-BBBB", service=service(), mode="phone", room_name=None),
        make_booking(reference="CCCC-DDDD", service=service(), mode="in_person", room_name=None),
    ]

    ics = caseworker_feed(caseworker, bookings, SETTINGS, now=NOW)
    events = Calendar.from_ical(ics).walk("VEVENT")

    assert [str(e["SUMMARY"]) for e in events] == ["Telefonmøde: Anna J.", "Fysisk møde: Anna J."]
    assert str(events[0]["URL"]).endswith("/caseworker/meetings/AAAA-BBBB")
    assert str(events[1]["LOCATION"]) == "Sundhedsplejen, Torvet 1, 1. sal"
    assert b"+4512345678" not in ics and b"12 34 56 78" not in ics
