"""An in-memory booking service with `actions.booking_api.BookingApi`'s interface.

The action tests hand it to the actions in place of the HTTP client, so they need no web server.
It keeps the rules the conversation depends on, answering as the real API does (the same
`BookingApiError` status and code): free slots per service on weekdays, a 409 when every
caseworker of a time is taken, idempotent creation, manage tokens, SMS codes for a lookup, and
cancelling or moving only a confirmed future booking. tests/e2e/test_booking_api_contract.py
runs one scenario against this fake and against the real web app, so the two cannot drift.
Imports only `actions` (no Flask), so it runs in both virtual environments.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import phonenumbers

from actions.booking_api import Booking, BookingApiError, Slot
from actions.formatting import LOCAL

# code: (Danish name, English name, minutes, caseworkers), as in the demo data
SERVICES = {
    "jobcenter": ("Samtale med Jobcenter", "Meeting with the jobcentre", 30, 3),
    "sundhedspleje": ("Sundhedsplejerske", "Health visitor", 45, 2),
    "fysioterapi": (
        "Genoptræning med fysioterapeut",
        "Rehabilitation with a physiotherapist",
        45,
        2,
    ),
}
HOURS = (9, 10, 11, 13, 14)  # the start of each bookable hour on a weekday, local time
# The modes each service offers, and the in-person address, as in the demo data; in-person
# meetings are held on office days only (Tuesday, Thursday and Friday).
MODES = {
    "jobcenter": ["video", "phone", "in_person"],
    "sundhedspleje": ["video", "phone", "in_person"],
    "fysioterapi": ["video", "in_person"],
}
OFFICE_DAYS = (1, 3, 4)
ADDRESS = {"da": "Rådhuspladsen 1, stueetagen", "en": "Rådhuspladsen 1, ground floor"}
HORIZON_DAYS = 56
MAX_SEARCH_DAYS = 62
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CONSENT_TEXTS = {
    "da": {
        "booking": "Kommunen behandler dit navn og telefonnummer for at holde mødet med dig. "
        "Mødet optages ikke.",
        "sms_reminders": "Ja tak, send mig påmindelser om mødet på SMS.",
        "chat_transcript": "Du må gemme min samtale med chatassistenten.",
    },
    "en": {
        "booking": "The municipality processes your name and phone number to hold the meeting "
        "with you. The meeting is not recorded.",
        "sms_reminders": "Yes, send me reminders about the meeting by SMS.",
        "chat_transcript": "You may keep my conversation with the chat assistant.",
    },
}
MUNICIPALITY = {
    "name": "Eksempel Kommune",
    "phone": "+45 70 12 34 56",
    "address": "Rådhuspladsen 1, 1234 Eksempelby",
    "opening_hours": {"da": "mandag-fredag 9-15", "en": "Monday-Friday 9-15"},
    "privacy_url": "http://127.0.0.1:8000/privacy",
}


@dataclass
class StoredBooking:
    booking: Booking  # as GET /bookings/{reference} shows it (without the manage token)
    phone: str
    manage_token: str
    lookup_token: str | None = None
    code: str | None = None
    wrong_codes: int = 0
    codes_sent: int = 0
    conversation_id: str | None = None


def _error(status: int, code: str, message: str) -> BookingApiError:
    return BookingApiError(status, code, message)


class FakeBookingApi:
    """The booking service in memory. `sms` holds (phone, text) of every SMS it "sent"."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(LOCAL)
        self.bookings: dict[str, StoredBooking] = {}
        self.erased: list[str] = []  # references erased by their citizen
        self.sms: list[tuple[str, str]] = []
        self._replies: dict[str, tuple[str, Booking]] = {}  # Idempotency-Key → (body, answer)

    # --- public information ------------------------------------------------------------------
    def municipality(self) -> dict[str, Any]:
        return json.loads(json.dumps(MUNICIPALITY))

    def services(self) -> list[dict[str, Any]]:
        return [
            {
                "code": code,
                "name": {"da": da, "en": en},
                "duration_minutes": minutes,
                "modes": MODES[code],
            }
            for code, (da, en, minutes, _) in SERVICES.items()
        ]

    def slots(self, service: str, start: date, end: date, mode: str | None = None) -> list[Slot]:
        if end < start or (end - start).days + 1 > MAX_SEARCH_DAYS:
            raise _error(422, "validation_failed", "At most 62 days, in order.")
        self._service(service)
        if mode is not None:
            self._mode(service, mode)
        starts = [s for s in self._grid(service, mode) if start <= s.date() <= end]
        return [self._slot(service, s) for s in starts if self._free(service, s)]

    def consent_texts(self, language: str) -> list[dict[str, Any]]:
        if language not in CONSENT_TEXTS:
            raise _error(422, "validation_failed", "Language must be da or en.")
        texts = CONSENT_TEXTS[language].items()
        return [{"purpose": purpose, "version": 1, "text": text} for purpose, text in texts]

    # --- bookings ------------------------------------------------------------------------------
    def create_booking(self, body: dict[str, Any], idempotency_key: str) -> Booking:
        fingerprint = json.dumps(body, sort_keys=True)
        if idempotency_key in self._replies:
            first_body, answer = self._replies[idempotency_key]
            if first_body != fingerprint:
                raise _error(422, "idempotency_conflict", "The key was used for another body.")
            return answer
        citizen = body.get("citizen") or {}
        for field, value in (
            ("channel", body.get("channel")),
            ("citizen.name", citizen.get("name")),
        ):
            if not value:
                raise _error(422, "validation_failed", f"{field} is required.")
        service = body.get("service") or ""
        mode = self._mode(self._service(service), body.get("mode", "video"))
        start = self._bookable_start(service, body.get("start"), mode)
        phone = _phone(citizen.get("phone"), "citizen.phone")
        if "booking" not in {c.get("purpose") for c in body.get("consents", [])}:
            raise _error(422, "consent_missing", "The booking consent is required.")
        if not self._free(service, start):
            raise _error(409, "slot_unavailable", "Sorry, that time was just booked.")
        reference = self._new_reference()
        slot = self._slot(service, start)
        page_url = f"http://127.0.0.1:8000/m/{reference}/{secrets.token_urlsafe(8)}"
        booking = self._with_mode(
            Booking(
                reference=reference,
                service=service,
                start=slot.start,
                end=slot.end,
                status="confirmed",
                meeting_url=page_url,
                ics_url=f"{page_url}/invite.ics",
            ),
            mode,
            phone,
        )
        token = secrets.token_urlsafe(32)
        conversation = body.get("conversation_id")
        self.bookings[reference] = StoredBooking(
            booking, phone, token, conversation_id=conversation
        )
        answer = replace(booking, manage_token=token)
        self._replies[idempotency_key] = (fingerprint, answer)
        return answer

    def get_booking(self, reference: str, manage_token: str | None = None) -> Booking:
        return self._authorised(reference, manage_token).booking

    def cancel_booking(self, reference: str, manage_token: str) -> Booking:
        stored = self._changeable(reference, manage_token)
        stored.booking = replace(stored.booking, status="cancelled")
        return stored.booking

    def erase_booking(self, reference: str, manage_token: str) -> None:
        """As the service: the booking's personal data goes, and with it every way in."""
        stored = self._authorised(reference, manage_token)
        del self.bookings[stored.booking.reference]
        self.erased.append(stored.booking.reference)

    def reschedule_booking(
        self, reference: str, manage_token: str, start: str | None, mode: str | None = None
    ) -> Booking:
        stored = self._changeable(reference, manage_token)
        service = stored.booking.service
        if start is None and mode is None:
            raise _error(422, "validation_failed", "Give a new time or a new mode.")
        new_mode = stored.booking.mode if mode is None else self._mode(service, mode)
        current = datetime.fromisoformat(stored.booking.start)
        new_start = self._bookable_start(service, start or stored.booking.start, new_mode)
        if new_start == current and new_mode == stored.booking.mode:
            raise _error(422, "validation_failed", "The booking is already at that time.")
        if new_start != current and not self._free(service, new_start):
            raise _error(409, "slot_unavailable", "Sorry, that time was just booked.")
        slot = self._slot(service, new_start)
        moved = replace(stored.booking, start=slot.start, end=slot.end)
        stored.booking = self._with_mode(moved, new_mode, stored.phone)
        return stored.booking

    def request_lookup_code(self, reference: str, phone: str) -> None:
        canonical = _reference(reference)
        if canonical is None:
            raise _error(422, "validation_failed", "The booking reference looks like ABCD-2345.")
        number = _phone(phone, "phone")
        stored = self.bookings.get(canonical)
        if stored is None or stored.phone != number or stored.booking.status != "confirmed":
            return  # the same answer either way: nothing tells which bookings exist
        if stored.codes_sent >= 3:
            return
        stored.code, stored.wrong_codes = f"{secrets.randbelow(10**6):06d}", 0
        stored.codes_sent += 1
        # One language, as the real service writes it (the booking's; Danish here).
        self.sms.append(
            (number, f"Din kode til din booking er {stored.code}. Den gælder i 10 minutter.")
        )

    def confirm_lookup_code(self, reference: str, code: str) -> str:
        stored = self.bookings.get(_reference(reference) or "")
        if stored is None or stored.code is None or stored.code != code:
            if stored is not None and stored.code is not None:
                stored.wrong_codes += 1
                if stored.wrong_codes >= 5:
                    stored.code = None
            raise _error(403, "code_rejected", "The code is wrong or has expired.")
        stored.code, stored.lookup_token = None, secrets.token_urlsafe(32)
        return stored.lookup_token

    # --- for the tests -------------------------------------------------------------------------
    def last_code_sent_to(self, phone: str) -> str:
        texts = [text for number, text in self.sms if number == phone]
        assert texts, f"no code was sent to {phone}"
        found = re.search(r"\b(\d{4,8})\b", texts[-1])
        assert found, texts[-1]
        return found.group(1)

    # --- rules ---------------------------------------------------------------------------------
    def _service(self, code: str) -> str:
        if code not in SERVICES:
            raise _error(404, "not_found", "The service does not exist.")
        return code

    def _grid(self, service: str, mode: str | None = None) -> list[datetime]:
        """Every start the service offers (tomorrow onwards, weekdays; in person on office
        days only), free or not."""
        today = self.now.date()
        days = (today + timedelta(days=n) for n in range(1, HORIZON_DAYS + 1))
        return [
            datetime.combine(day, time(hour), LOCAL)
            for day in days
            if day.weekday() < 5 and (mode != "in_person" or day.weekday() in OFFICE_DAYS)
            for hour in HOURS
        ]

    def _mode(self, service: str, mode: Any) -> str:
        if mode not in ("video", "phone", "in_person"):
            raise _error(422, "validation_failed", "mode: video, phone or in_person.")
        if mode not in MODES[service]:
            raise _error(422, "validation_failed", "The service does not offer that mode.")
        return str(mode)

    def _with_mode(self, booking: Booking, mode: str, phone: str) -> Booking:
        """The booking as the API shows it in `mode`: a meeting link only for video."""
        page = booking.ics_url.removesuffix("/invite.ics")
        return replace(
            booking,
            mode=mode,
            meeting_url=page if mode == "video" else "",
            address=dict(ADDRESS) if mode == "in_person" else None,
            call_number=phone if mode == "phone" else None,
        )

    def _slot(self, service: str, start: datetime) -> Slot:
        end = start + timedelta(minutes=SERVICES[service][2])
        return Slot(start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds"))

    def _free(self, service: str, start: datetime) -> bool:
        taken = sum(
            1
            for s in self.bookings.values()
            if s.booking.service == service
            and s.booking.status == "confirmed"
            and datetime.fromisoformat(s.booking.start) == start
        )
        return taken < SERVICES[service][3]

    def _bookable_start(self, service: str, value: Any, mode: str | None = None) -> datetime:
        self._service(service)
        try:
            start = datetime.fromisoformat(str(value))
        except ValueError:
            raise _error(422, "validation_failed", "start is not a time.") from None
        if start.tzinfo is None:
            raise _error(422, "invalid_start", "The time must include a UTC offset.")
        if start.astimezone(LOCAL) not in self._grid(service, mode):
            raise _error(422, "invalid_start", "That time cannot be booked.")
        return start.astimezone(LOCAL)

    def _authorised(self, reference: str, token: str | None) -> StoredBooking:
        if not token:
            raise _error(401, "unauthorized", "Send the booking's manage token.")
        stored = self.bookings.get(_reference(reference) or "")
        # an unknown reference and a wrong token look the same, as in the real service
        if stored is None or token not in (stored.manage_token, stored.lookup_token):
            raise _error(403, "not_allowed", "The link to the booking is invalid.")
        return stored

    def _changeable(self, reference: str, token: str | None) -> StoredBooking:
        stored = self._authorised(reference, token)
        if stored.booking.status != "confirmed":
            raise _error(409, "invalid_state", "The booking is already cancelled or finished.")
        if datetime.fromisoformat(stored.booking.start) <= self.now:
            raise _error(409, "invalid_state", "The meeting has started or is over.")
        return stored

    def _new_reference(self) -> str:
        raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        return f"{raw[:4]}-{raw[4:]}"


def _reference(text: str) -> str | None:
    """The stored form of a typed reference ("k7m2 9qxd" → "K7M2-9QXD"), None if it is none."""
    raw = str(text or "").upper().replace("-", "").replace(" ", "")
    if len(raw) != 8 or any(c not in REFERENCE_ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def _phone(text: Any, field: str) -> str:
    try:
        number = phonenumbers.parse(str(text or ""), "DK")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _error(422, "validation_failed", f"{field}: enter a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
