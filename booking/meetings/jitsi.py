"""Jitsi Meet rooms and the JWTs that let a caseworker and a citizen into them.

Tokens follow what Jitsi's prosody token module (`token_verification`, `luajwtjitsi`) checks:
HS256 with `typ: JWT` in the header; `iss` is the app id, `aud` must be accepted, `room` is
compared with the room's (lower case) name, `nbf`/`exp` bound the validity; `context.user`
carries the display name and, read by the `token_affiliation` module, who is the owner. A token
is minted only when a person opens the meeting page inside the meeting window, and never
stored or sent anywhere else.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from booking.errors import InvalidState
from booking.i18n import N_
from booking.models import Booking, BookingStatus, Caseworker
from booking.names import redact_cpr

# 20 random bytes = 160 bits, as 40 lower-case hex characters: unguessable, URL-safe, and a
# valid Jitsi room name that carries nothing about the citizen or the booking.
ROOM_NAME_BYTES = 20
# Jitsi's server and ours may disagree a little about the time.
CLOCK_SKEW = timedelta(minutes=1)


def new_room_name() -> str:
    """A fresh room name for a booking (lower case hex, 160 random bits)."""
    return secrets.token_hex(ROOM_NAME_BYTES)


@dataclass(frozen=True)
class JitsiSettings:
    """The municipality's Jitsi server and the meeting window around each booking."""

    domain: str
    app_id: str
    app_secret: str = ""
    audience: str = ""  # empty: the app id
    open_before: timedelta = timedelta(minutes=15)
    close_after: timedelta = timedelta(minutes=30)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> JitsiSettings:
        """Read the JITSI_* and MEETING_* settings from a config mapping (e.g. `app.config`)."""
        app_id = str(config.get("JITSI_APP_ID") or "")
        return cls(
            domain=str(config["JITSI_DOMAIN"]),
            app_id=app_id,
            app_secret=str(config.get("JITSI_APP_SECRET") or ""),
            audience=str(config.get("JITSI_AUDIENCE") or app_id),
            open_before=timedelta(minutes=int(config.get("MEETING_OPEN_BEFORE_MINUTES", 15))),
            close_after=timedelta(minutes=int(config.get("MEETING_CLOSE_AFTER_MINUTES", 30))),
        )

    @property
    def token_auth(self) -> bool:
        """Without a secret (development) rooms open without a token."""
        return bool(self.app_secret)


class MeetingRole(enum.StrEnum):
    CASEWORKER = "caseworker"
    CITIZEN = "citizen"


class MeetingState(enum.StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    ENDED = "ended"
    CANCELLED = "cancelled"


class MeetingNotOpen(InvalidState):
    """A token was asked for outside the meeting window or for a booking that is not confirmed."""

    code = "meeting_not_open"


@dataclass(frozen=True)
class MeetingWindow:
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class Participant:
    """Who joins: their role decides moderator rights; the rest is shown inside Jitsi."""

    role: MeetingRole
    user_id: str
    display_name: str
    email: str = ""

    @property
    def is_moderator(self) -> bool:
        return self.role is MeetingRole.CASEWORKER


def citizen_participant(booking: Booking, display_name: str | None = None) -> Participant:
    """The citizen of a booking. No e-mail is passed on: Jitsi does not need it."""
    name = redact_cpr(display_name or booking.citizen_name) or "Borger"
    return Participant(MeetingRole.CITIZEN, f"citizen-{booking.id}", name.strip())


def caseworker_participant(caseworker: Caseworker, display_name: str | None = None) -> Participant:
    """The caseworker who holds the meeting; they become the room's owner."""
    name = display_name or caseworker.name
    return Participant(
        MeetingRole.CASEWORKER, f"caseworker-{caseworker.id}", name.strip(), caseworker.email or ""
    )


def meeting_window(booking: Booking, settings: JitsiSettings) -> MeetingWindow:
    """From `open_before` before the start until `close_after` after the end."""
    return MeetingWindow(
        opens_at=booking.start_at - settings.open_before,
        closes_at=booking.end_at + settings.close_after,
    )


def meeting_state(booking: Booking, settings: JitsiSettings, *, now: datetime) -> MeetingState:
    """Whether the meeting can be joined at `now`."""
    if booking.status == BookingStatus.CANCELLED.value:
        return MeetingState.CANCELLED
    if booking.status != BookingStatus.CONFIRMED.value:
        return MeetingState.ENDED
    window = meeting_window(booking, settings)
    if now < window.opens_at:
        return MeetingState.NOT_YET_OPEN
    if now >= window.closes_at:
        return MeetingState.ENDED
    return MeetingState.OPEN


def room_name(booking: Booking) -> str:
    """The Jitsi room name; Jitsi compares it with the token's `room` in lower case.

    InvalidState for a phone or in-person meeting: only video meetings have a room.
    """
    if not booking.room_name:
        raise InvalidState(
            N_("Only video meetings have a meeting room."),
            field="mode",
        )
    return booking.room_name.lower()


def mint_token(
    settings: JitsiSettings, booking: Booking, participant: Participant, *, now: datetime
) -> str | None:
    """A JWT for `participant` to join this booking's room, valid until the window closes.

    Returns None when token authentication is off (no secret configured). Raises
    `MeetingNotOpen` for a booking that is not confirmed or outside its meeting window.
    """
    state = meeting_state(booking, settings, now=now)
    if state is not MeetingState.OPEN:
        raise MeetingNotOpen(
            N_("The meeting is not open right now."),
        )
    if not settings.token_auth:
        return None
    window = meeting_window(booking, settings)
    claims: dict[str, Any] = {
        "iss": settings.app_id,
        "aud": settings.audience or settings.app_id,
        "sub": settings.domain,
        "room": room_name(booking),
        "iat": int(now.timestamp()),
        "nbf": int((window.opens_at - CLOCK_SKEW).timestamp()),
        "exp": int(window.closes_at.timestamp()),
        "context": {
            "user": {
                "id": participant.user_id,
                "name": participant.display_name,
                "email": participant.email,
                "avatar": "",
                # Strings, as Jitsi documents them; token_affiliation compares with "true".
                "moderator": "true" if participant.is_moderator else "false",
                "affiliation": "owner" if participant.is_moderator else "member",
            },
        },
    }
    if participant.is_moderator:
        # With the lobby on for every room (lobby_autostart), the caseworker walks past it
        # (token_lobby_bypass reads a boolean here) and lets the citizen in. Once `features` is
        # present Jitsi treats a missing feature as off, so screen sharing is named too;
        # recording and live streaming stay off.
        claims["context"]["features"] = {"lobby_bypass": True, "screen-sharing": True}
    return jwt.encode(claims, settings.app_secret, algorithm="HS256", headers={"typ": "JWT"})
