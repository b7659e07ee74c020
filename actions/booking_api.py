"""A small typed client for the booking service's /api/v1, with one error type.

Built per action run from the environment (BOOKING_API_URL, BOOKING_API_TOKEN), never at import
time. Every failure, from a refused connection to a 409, is a `BookingApiError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

DEFAULT_URL = "http://127.0.0.1:8000/api/v1"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds


class BookingApiError(Exception):
    """The API answered with an error, or did not answer (status 0, code "unavailable")."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    @property
    def unavailable(self) -> bool:
        return self.status == 0 or self.status >= 500

    @property
    def conflict(self) -> bool:
        return self.status == 409


@dataclass(frozen=True)
class Slot:
    start: str
    end: str


@dataclass(frozen=True)
class Booking:
    reference: str
    service: str
    start: str
    end: str
    status: str
    meeting_url: str  # video meetings only; "" for phone and in person
    ics_url: str
    manage_token: str | None = None
    mode: str = "video"
    address: dict[str, str] | None = None  # in person: {"da": ..., "en": ...}
    call_number: str | None = None  # phone: the number the caseworker calls

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Booking:
        location = data.get("location") or {}
        return cls(
            reference=data["reference"],
            service=data["service"],
            start=data["start"],
            end=data["end"],
            status=data.get("status", ""),
            meeting_url=data.get("meeting_url", ""),
            ics_url=data.get("ics_url", ""),
            manage_token=data.get("manage_token"),
            mode=data.get("mode", "video"),
            address=location.get("address"),
            call_number=(data.get("phone_call") or {}).get("number"),
        )


class BookingApi:
    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        token: str = "",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()
        # The language the service writes its error messages in (Accept-Language): the
        # conversation's, set by the action before each step; None leaves the service's default.
        self.language: str | None = None

    @classmethod
    def from_env(cls) -> BookingApi:
        return cls(
            os.environ.get("BOOKING_API_URL", DEFAULT_URL),
            os.environ.get("BOOKING_API_TOKEN", ""),
        )

    # --- public information ------------------------------------------------------------------
    def municipality(self) -> dict[str, Any]:
        return self._request("GET", "/municipality")

    def services(self) -> list[dict[str, Any]]:
        return self._request("GET", "/services")

    def slots(self, service: str, start: date, end: date, mode: str | None = None) -> list[Slot]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if mode:
            params["mode"] = mode
        data = self._request("GET", f"/services/{service}/slots", params=params)
        return [Slot(s["start"], s["end"]) for s in data]

    def consent_texts(self, language: str) -> list[dict[str, Any]]:
        return self._request("GET", "/consent-texts", params={"language": language})

    # --- bookings ------------------------------------------------------------------------------
    def create_booking(self, body: dict[str, Any], idempotency_key: str) -> Booking:
        data = self._request(
            "POST", "/bookings", json=body, headers={"Idempotency-Key": idempotency_key}
        )
        return Booking.from_json(data)

    def get_booking(self, reference: str, manage_token: str | None = None) -> Booking:
        return Booking.from_json(
            self._request("GET", f"/bookings/{reference}", headers=_manage(manage_token))
        )

    def cancel_booking(self, reference: str, manage_token: str) -> Booking:
        return Booking.from_json(
            self._request("POST", f"/bookings/{reference}/cancel", headers=_manage(manage_token))
        )

    def erase_booking(self, reference: str, manage_token: str) -> None:
        """The citizen's erasure (GDPR art. 17): cancels a meeting ahead, deletes the personal
        data and the conversation the booking was made in."""
        self._request("POST", f"/bookings/{reference}/erase", headers=_manage(manage_token))

    def reschedule_booking(
        self, reference: str, manage_token: str, start: str | None, mode: str | None = None
    ) -> Booking:
        """Move the booking to `start`, or change its `mode` (a move: same rules), or both."""
        body = {key: value for key, value in (("start", start), ("mode", mode)) if value}
        data = self._request(
            "POST",
            f"/bookings/{reference}/reschedule",
            json=body,
            headers=_manage(manage_token),
        )
        return Booking.from_json(data)

    def request_lookup_code(self, reference: str, phone: str) -> None:
        self._request("POST", "/bookings/lookup", json={"reference": reference, "phone": phone})

    def confirm_lookup_code(self, reference: str, code: str) -> str:
        data = self._request(
            "POST", "/bookings/lookup/confirm", json={"reference": reference, "code": code}
        )
        return str(data["manage_token"])

    # --- plumbing ----------------------------------------------------------------------------
    def _request(self, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any):
        all_headers = {"Accept": "application/json"}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        if self.language:
            all_headers["Accept-Language"] = self.language
        all_headers.update(headers or {})
        try:
            response = self.http.request(
                method, self.base_url + path, headers=all_headers, timeout=self.timeout, **kw
            )
        except requests.RequestException as exc:
            raise BookingApiError(0, "unavailable", str(exc)) from exc
        if response.status_code >= 400:
            code, message = _error_of(response)
            raise BookingApiError(response.status_code, code, message)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise BookingApiError(response.status_code, "bad_response", "not JSON") from exc


def _manage(token: str | None) -> dict[str, str]:
    return {"X-Manage-Token": token} if token else {}


def _error_of(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error", {})
        return str(error.get("code", "error")), str(error.get("message", ""))
    except (ValueError, AttributeError):
        return "error", response.text[:200]
