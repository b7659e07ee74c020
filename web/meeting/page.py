"""The meeting page itself, for the citizen's link and the caseworker's start route.

A Jitsi token is minted only here, when someone opens the page inside the meeting window.
The caseworker's start route (web/caseworker) calls `render_meeting(booking, "caseworker", …)`.
"""

from __future__ import annotations

from flask import Response, current_app, make_response, render_template

from booking.meetings import (
    JitsiSettings,
    MeetingState,
    Participant,
    caseworker_participant,
    citizen_participant,
    display_phone,
    meeting_place,
    meeting_state,
    meeting_window,
    mint_token,
    mode_name,
    room_name,
)
from booking.models import Booking, MeetingMode
from web.extensions import now
from web.i18n import current_language, prefer_language

VIDEO, PHONE = MeetingMode.VIDEO.value, MeetingMode.PHONE.value


def render_meeting(
    booking: Booking,
    role: str,
    display_name: str | None = None,
    *,
    back_url: str | None = None,
    links: dict[str, str] | None = None,
    sms_reminders_active: bool = False,
) -> Response:
    """The meeting page for `role` ("caseworker" or "citizen") of this booking.

    Inside the meeting window it embeds Jitsi with a freshly minted token (the caseworker as
    owner, the citizen as member); outside it, or for a cancelled booking, it says so. A phone
    or in-person meeting gets no room and no token: the page says who calls whom, or where. The
    booking's `service` (and for a caseworker its `caseworker`) must be loaded.
    """
    settings = JitsiSettings.from_mapping(current_app.config)
    moment = now()
    state = meeting_state(booking, settings, now=moment)
    participant: Participant
    if role == "caseworker":
        participant = caseworker_participant(booking.caseworker, display_name)
    elif role == "citizen":
        participant = citizen_participant(booking, display_name)
    else:
        raise ValueError(f"unknown meeting role {role!r}")
    video = booking.mode == VIDEO
    token = None
    if video and state is MeetingState.OPEN:
        token = mint_token(settings, booking, participant, now=moment)
    opens_at = meeting_window(booking, settings).opens_at
    if role == "citizen":
        prefer_language(booking.language)
    page = render_template(
        "meeting/page.html",
        booking=booking,
        role=role,
        state=state.value,
        participant=participant,
        jitsi_domain=settings.domain,
        room=room_name(booking) if video else None,
        jwt=token,
        video=video,
        mode_label=mode_name(booking.mode, current_language(), capital=True),
        place=meeting_place(booking, current_language()),
        call_number=display_phone(booking.citizen_phone) if booking.mode == PHONE else "",
        opens_at=opens_at,
        opens_in_seconds=max(0, int((opens_at - moment).total_seconds())),
        back_url=back_url,
        links=links or {},
        sms_reminders_active=sms_reminders_active,
    )
    response = make_response(page)
    if not video:
        # nothing to embed: the site's own strict policy (web.security) stays in force
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Meeting-State"] = state.value
        return response
    _meeting_headers(response, settings.domain)
    response.headers["X-Meeting-State"] = state.value
    return response


def _meeting_headers(response: Response, jitsi_domain: str) -> None:
    jitsi = f"https://{jitsi_domain}"
    response.headers["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {jitsi}",
            f"frame-src {jitsi}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    # Camera, microphone and screen sharing only for the Jitsi frame (and this page).
    allowed = f'(self "{jitsi}")'
    response.headers["Permissions-Policy"] = (
        f"camera={allowed}, microphone={allowed}, display-capture={allowed}, "
        f"fullscreen={allowed}, autoplay={allowed}, geolocation=(), payment=(), usb=()"
    )
    # The page's own address holds the link key; it must not leak to Jitsi as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    # The page holds a token: never cache it.
    response.headers["Cache-Control"] = "no-store"
