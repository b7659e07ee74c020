"""The action server's client against the real web app, and the fake held to the same contract.

The action tests use `FakeBookingApi`; the scenario below runs against it and against the
real /api/v1 (gunicorn, seeded demo data), so a change of the API that the fake does not follow
fails here rather than passing unnoticed in the action tests.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from actions.booking_api import BookingApi, BookingApiError
from actions.formatting import LOCAL, parse_iso
from tests.support.fake_booking_api import FakeBookingApi
from tests.support.ports import free_port

REFERENCE = re.compile(r"^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$")


def test_the_client_lists_free_slots_in_order(real_api):
    today = date.today()
    slots = real_api.slots("jobcenter", today, today + timedelta(days=14))
    assert slots
    starts = [parse_iso(s.start) for s in slots]
    assert starts == sorted(starts)
    assert all(s > datetime.now(LOCAL) for s in starts)


def test_an_unknown_service_is_a_404_from_the_client(real_api):
    with pytest.raises(BookingApiError) as error:
        real_api.slots("tandlaege", date.today(), date.today())
    assert error.value.status == 404 and not error.value.unavailable


def test_an_unreachable_service_is_reported_as_unavailable():
    with pytest.raises(BookingApiError) as error:
        BookingApi(f"http://127.0.0.1:{free_port()}/api/v1", "whatever").services()
    assert error.value.status == 0 and error.value.unavailable


# --- one scenario, the fake and the real service ---------------------------------------------


@pytest.fixture(params=["fake", "real"])
def service(request) -> tuple[Any, Callable[[str], str]]:
    """(client, read the newest SMS code sent to a phone) for the fake or the real service."""
    if request.param == "fake":
        fake = FakeBookingApi()
        return fake, fake.last_code_sent_to
    real = request.getfixturevalue("booking_service")
    return BookingApi(real.base_url, real.token), real.last_code_sent_to


def status_of(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(BookingApiError) as error:
        call()
    return error.value.status, error.value.code


def body(service: str, start: str, phone: str, **changes: Any) -> dict[str, Any]:
    return {
        "service": service,
        "start": start,
        "citizen": {"name": "Kontrakt Test", "phone": phone},
        "language": "da",
        "channel": "chat",
        "consents": [{"purpose": "booking", "text_version": 1}],
        **changes,
    }


def test_the_catalogue_answers_alike(service):
    api, _ = service
    assert {"jobcenter", "sundhedspleje", "fysioterapi"} <= {s["code"] for s in api.services()}
    texts = {t["purpose"]: t for t in api.consent_texts("en")}
    assert isinstance(texts["booking"]["version"], int) and texts["booking"]["text"]
    facts = api.municipality()
    assert facts["name"] and facts["phone"] and set(facts["opening_hours"]) == {"da", "en"}
    today = datetime.now(LOCAL).date()
    assert status_of(lambda: api.slots("tandlaege", today, today)) == (404, "not_found")
    assert status_of(lambda: api.slots("jobcenter", today, today + timedelta(days=62)))[0] == 422
    assert status_of(lambda: api.consent_texts("de"))[0] == 422


def test_booking_twice_with_a_key_and_then_until_the_time_is_full_answers_alike(service):
    api, _ = service
    today = datetime.now(LOCAL).date()
    slots = api.slots("fysioterapi", today, today + timedelta(days=14))
    assert slots and all(parse_iso(s.start).utcoffset() is not None for s in slots)
    start = slots[-1].start
    key = str(uuid.uuid4())
    booking = api.create_booking(body("fysioterapi", start, "+4522334455"), key)
    assert REFERENCE.match(booking.reference) and booking.status == "confirmed"
    assert booking.manage_token and booking.meeting_url.startswith("http")
    assert booking.ics_url.startswith("http") and parse_iso(booking.start) == parse_iso(start)
    assert api.create_booking(body("fysioterapi", start, "+4522334455"), key) == booking
    changed = body("fysioterapi", start, "+4522334466")
    assert status_of(lambda: api.create_booking(changed, key)) == (422, "idempotency_conflict")
    no_consent = body("fysioterapi", start, "+4522334455", consents=[])
    assert status_of(lambda: api.create_booking(no_consent, str(uuid.uuid4())))[0] == 422
    while start in [s.start for s in api.slots("fysioterapi", today, today + timedelta(14))]:
        api.create_booking(body("fysioterapi", start, "+4522334477"), str(uuid.uuid4()))
    again = body("fysioterapi", start, "+4522334488")
    assert status_of(lambda: api.create_booking(again, str(uuid.uuid4()))) == (
        409,
        "slot_unavailable",
    )


def test_a_lookup_then_moving_and_cancelling_answers_alike(service):
    api, read_code = service
    today = datetime.now(LOCAL).date()
    first, second = api.slots("sundhedspleje", today, today + timedelta(days=14))[-2:]
    phone = "+4526273849"
    booking = api.create_booking(body("sundhedspleje", first.start, phone), str(uuid.uuid4()))
    reference, token = booking.reference, booking.manage_token
    assert status_of(lambda: api.get_booking(reference)) == (401, "unauthorized")
    assert status_of(lambda: api.get_booking(reference, "wrong"))[0] == 403

    assert api.request_lookup_code(reference.lower().replace("-", ""), "26 27 38 49") is None
    assert api.request_lookup_code(reference, "+4599999999") is None  # no hint it is wrong
    code = read_code(phone)
    wrong = "000000" if code != "000000" else "111111"
    assert status_of(lambda: api.confirm_lookup_code(reference, wrong)) == (403, "code_rejected")
    lookup_token = api.confirm_lookup_code(reference, code)
    assert api.get_booking(reference, lookup_token).status == "confirmed"
    assert api.get_booking(reference, token).manage_token is None  # shown once, at booking

    moved = api.reschedule_booking(reference, lookup_token, second.start)
    assert parse_iso(moved.start) == parse_iso(second.start) and moved.reference == reference
    assert status_of(lambda: api.reschedule_booking(reference, token, second.start))[0] == 422
    cancelled = api.cancel_booking(reference, token)
    assert cancelled.status == "cancelled"
    assert status_of(lambda: api.cancel_booking(reference, token)) == (409, "invalid_state")


def test_meeting_modes_answer_alike(service):
    api, _ = service
    modes = {s["code"]: s["modes"] for s in api.services()}
    assert modes["jobcenter"] == ["video", "phone", "in_person"]
    today = datetime.now(LOCAL).date()
    in_person = api.slots("jobcenter", today, today + timedelta(days=14), "in_person")
    # the demo caseworkers hold in-person meetings on office days only
    assert in_person and {parse_iso(s.start).weekday() for s in in_person} <= {1, 3, 4}
    assert status_of(lambda: api.slots("fysioterapi", today, today, "phone")) == (
        422,
        "validation_failed",
    )
    video = api.slots("jobcenter", today, today + timedelta(days=14), "video")
    start = next(s.start for s in video if parse_iso(s.start).weekday() not in (1, 3, 4))
    phone = "+4527283940"
    booking = api.create_booking(body("jobcenter", start, phone, mode="phone"), str(uuid.uuid4()))
    assert (booking.mode, booking.meeting_url, booking.call_number) == ("phone", "", phone)
    token = booking.manage_token
    assert status_of(
        lambda: api.reschedule_booking(booking.reference, token, None, mode="in_person")
    ) == (422, "invalid_start")
    assert status_of(
        lambda: api.reschedule_booking(booking.reference, token, None, mode="fax")
    ) == (422, "validation_failed")
    changed = api.reschedule_booking(booking.reference, token, None, mode="video")
    assert changed.mode == "video" and changed.meeting_url.startswith("http")
    assert parse_iso(changed.start) == parse_iso(booking.start)
