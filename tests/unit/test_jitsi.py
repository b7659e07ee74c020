"""Jitsi rooms and tokens, checked claim by claim against what Jitsi's token module verifies."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from booking.meetings import (
    JitsiSettings,
    MeetingNotOpen,
    MeetingState,
    caseworker_participant,
    citizen_participant,
    meeting_state,
    meeting_window,
    mint_token,
    new_room_name,
)
from booking.models import Booking, Caseworker

START = datetime(2030, 12, 3, 8, 45, tzinfo=UTC)  # 9.45 in Copenhagen
SECRET = "jitsi-app-secret-for-tests-0123456789"
SETTINGS = JitsiSettings(domain="meet.kommune.test", app_id="borgerbooking", app_secret=SECRET)


def make_caseworker(**overrides: object) -> Caseworker:
    fields: dict[str, object] = {"id": 7, "name": "Mette Jensen", "email": "mj@kommune.test"}
    fields.update(overrides)
    return Caseworker(**fields)


def make_booking(**overrides: object) -> Booking:
    fields: dict[str, object] = {
        "id": 42,
        "reference": "AB12CD34",
        "start_at": START,
        "end_at": START + timedelta(minutes=30),
        "status": "confirmed",
        "citizen_name": "Anna Jensen",
        "citizen_email": "anna@example.dk",
        "language": "da",
        "room_name": "0f3c9a2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f70",
        "caseworker": make_caseworker(),
    }
    fields.update(overrides)
    return Booking(**fields)


def decode(token: str, audience: str = "borgerbooking", **options: bool) -> dict[str, object]:
    return jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience=audience,
        issuer="borgerbooking",
        # Validity is checked against the meeting window below, not the wall clock.
        options={"verify_nbf": False, "verify_exp": False, "verify_iat": False, **options},
    )


def test_the_caseworker_token_has_every_claim_jitsi_checks() -> None:
    booking = make_booking()
    participant = caseworker_participant(booking.caseworker)
    now = START - timedelta(minutes=5)

    token = mint_token(SETTINGS, booking, participant, now=now)

    assert token is not None
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "JWT"
    assert header["alg"] == "HS256"
    claims = decode(token)
    assert claims["iss"] == "borgerbooking"
    assert claims["aud"] == "borgerbooking"
    assert claims["sub"] == "meet.kommune.test"
    assert claims["room"] == booking.room_name
    window = meeting_window(booking, SETTINGS)
    assert claims["nbf"] <= now.timestamp()
    assert claims["nbf"] >= (window.opens_at - timedelta(minutes=5)).timestamp()
    assert claims["exp"] == window.closes_at.timestamp()
    user = claims["context"]["user"]  # type: ignore[index]
    assert user == {
        "id": "caseworker-7",
        "name": "Mette Jensen",
        "email": "mj@kommune.test",
        "avatar": "",
        "moderator": "true",
        "affiliation": "owner",
    }
    assert all(isinstance(value, str) for value in user.values())
    # Past the lobby (token_lobby_bypass reads context.features); no recording or streaming.
    assert claims["context"]["features"] == {  # type: ignore[index]
        "lobby_bypass": True,
        "screen-sharing": True,
    }


def test_the_citizen_joins_as_a_member_without_moderator_rights() -> None:
    booking = make_booking()

    token = mint_token(SETTINGS, booking, citizen_participant(booking), now=START)

    user = decode(token or "")["context"]["user"]  # type: ignore[index]
    assert user["moderator"] == "false"
    assert user["affiliation"] == "member"
    assert user["name"] == "Anna Jensen"
    assert user["id"] == "citizen-42"
    # The citizen's e-mail is not passed to Jitsi (which would use it for an avatar).
    assert user["email"] == ""
    assert all(isinstance(value, str) for value in user.values())
    # The citizen waits in the lobby until the caseworker lets them in.
    assert "features" not in decode(token or "")["context"]  # type: ignore[operator]


def test_a_citizen_display_name_can_be_chosen_and_a_missing_name_is_never_null() -> None:
    anonymised = make_booking(citizen_name=None)
    user = decode(
        mint_token(SETTINGS, anonymised, citizen_participant(anonymised), now=START) or ""
    )["context"]["user"]  # type: ignore[index]
    assert isinstance(user["name"], str) and user["name"]

    chosen = citizen_participant(make_booking(), display_name="  Anna  ")
    assert chosen.display_name == "Anna"


def test_the_room_claim_is_lower_case_even_for_an_upper_case_room_name() -> None:
    booking = make_booking(room_name="ABCDEF0123456789ABCDEF0123456789ABCDEF01")

    claims = decode(mint_token(SETTINGS, booking, citizen_participant(booking), now=START) or "")

    assert claims["room"] == "abcdef0123456789abcdef0123456789abcdef01"


def test_a_token_signed_with_another_secret_is_rejected() -> None:
    booking = make_booking()
    token = mint_token(SETTINGS, booking, citizen_participant(booking), now=START) or ""

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token,
            "another-secret-another-secret-0000",
            algorithms=["HS256"],
            audience="borgerbooking",
            options={"verify_nbf": False, "verify_exp": False, "verify_iat": False},
        )


def test_a_configured_audience_is_used_instead_of_the_app_id() -> None:
    settings = JitsiSettings(
        domain="meet.kommune.test", app_id="borgerbooking", app_secret=SECRET, audience="jitsi"
    )
    booking = make_booking()

    token = mint_token(settings, booking, citizen_participant(booking), now=START) or ""

    assert decode(token, audience="jitsi")["aud"] == "jitsi"


@pytest.mark.parametrize(
    ("minutes_from_start", "state"),
    [
        (-16, MeetingState.NOT_YET_OPEN),
        (-15, MeetingState.OPEN),
        (0, MeetingState.OPEN),
        (30 + 29, MeetingState.OPEN),
        (30 + 30, MeetingState.ENDED),
        (24 * 60, MeetingState.ENDED),
    ],
)
def test_the_meeting_window_runs_from_15_minutes_before_to_30_minutes_after(
    minutes_from_start: int, state: MeetingState
) -> None:
    booking = make_booking()
    now = START + timedelta(minutes=minutes_from_start)

    assert meeting_state(booking, SETTINGS, now=now) is state


@pytest.mark.parametrize("minutes_from_start", [-16, -24 * 60, 60, 24 * 60])
def test_no_token_is_minted_outside_the_window(minutes_from_start: int) -> None:
    booking = make_booking()

    with pytest.raises(MeetingNotOpen):
        mint_token(
            SETTINGS,
            booking,
            caseworker_participant(booking.caseworker),
            now=START + timedelta(minutes=minutes_from_start),
        )


@pytest.mark.parametrize("status", ["cancelled", "completed", "no_show"])
def test_no_token_is_minted_for_a_booking_that_is_not_confirmed(status: str) -> None:
    booking = make_booking(status=status)

    with pytest.raises(MeetingNotOpen):
        mint_token(SETTINGS, booking, citizen_participant(booking), now=START)
    expected = MeetingState.CANCELLED if status == "cancelled" else MeetingState.ENDED
    assert meeting_state(booking, SETTINGS, now=START) is expected


def test_the_window_is_configurable() -> None:
    settings = JitsiSettings.from_mapping(
        {
            "JITSI_DOMAIN": "meet.kommune.test",
            "JITSI_APP_ID": "borgerbooking",
            "JITSI_APP_SECRET": SECRET,
            "MEETING_OPEN_BEFORE_MINUTES": 5,
            "MEETING_CLOSE_AFTER_MINUTES": 0,
        }
    )
    booking = make_booking()

    assert meeting_state(booking, settings, now=START - timedelta(minutes=6)) is (
        MeetingState.NOT_YET_OPEN
    )
    assert meeting_state(booking, settings, now=START - timedelta(minutes=5)) is MeetingState.OPEN
    assert meeting_state(booking, settings, now=booking.end_at) is MeetingState.ENDED
    assert settings.audience == "borgerbooking"


def test_without_a_secret_the_room_opens_without_a_token_but_only_inside_the_window() -> None:
    settings = JitsiSettings(domain="meet.jit.si", app_id="borgerbooking", app_secret="")
    booking = make_booking()

    assert mint_token(settings, booking, citizen_participant(booking), now=START) is None
    with pytest.raises(MeetingNotOpen):
        mint_token(settings, booking, citizen_participant(booking), now=START - timedelta(days=1))


def test_room_names_are_unguessable_lower_case_and_carry_no_personal_data() -> None:
    names = [new_room_name() for _ in range(200)]

    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"[0-9a-f]{40}", name)
        assert "anna" not in name and "ab12cd34" not in name
    # 160 bits of randomness; the hex digits of many names are close to uniform.
    counts = Counter("".join(names))
    total = sum(counts.values())
    entropy = -sum(c / total * math.log2(c / total) for c in counts.values())
    assert len(counts) == 16
    assert entropy > 3.95
    assert len(names[0]) * 4 >= 128
