"""Meetings: everything about the meeting itself, apart from when it is (`booking.slots`).

What each meeting mode means (`modes`: a room for video, who calls whom, where to go), Jitsi
rooms and the tokens that let caseworker and citizen in (`jitsi`), the signed links a
citizen follows without logging in (`links`), the citizen's calendar invite (`calendar`) and
each caseworker's subscribed feed (`calendar_feed`), and meeting times written as Danish and
English readers expect them (`formatting`).
"""

from booking.meetings.calendar import (
    CalendarSettings,
    citizen_invite,
    copenhagen_vtimezone,
    invite_method,
    invite_uid,
    new_calendar,
)
from booking.meetings.calendar_feed import (
    caseworker_feed,
    caseworker_for_feed_token,
    feed_bookings,
    minimised_name,
    revoke_feed_token,
    rotate_feed_token,
)
from booking.meetings.formatting import when, when_da, when_en
from booking.meetings.jitsi import (
    JitsiSettings,
    MeetingNotOpen,
    MeetingRole,
    MeetingState,
    MeetingWindow,
    Participant,
    caseworker_participant,
    citizen_participant,
    meeting_state,
    meeting_window,
    mint_token,
    new_room_name,
    room_name,
)
from booking.meetings.links import (
    MEETING,
    LinkSettings,
    ics_url,
    link_key,
    meeting_url,
    verify_link_key,
)
from booking.meetings.modes import (
    MeetingPlace,
    display_phone,
    how_to_meet,
    meeting_place,
    mode_name,
    place_of,
    room_for,
)

__all__ = [
    "MEETING",
    "CalendarSettings",
    "JitsiSettings",
    "LinkSettings",
    "MeetingNotOpen",
    "MeetingPlace",
    "MeetingRole",
    "MeetingState",
    "MeetingWindow",
    "Participant",
    "caseworker_feed",
    "caseworker_for_feed_token",
    "caseworker_participant",
    "citizen_invite",
    "citizen_participant",
    "copenhagen_vtimezone",
    "display_phone",
    "feed_bookings",
    "how_to_meet",
    "ics_url",
    "invite_method",
    "invite_uid",
    "link_key",
    "meeting_place",
    "meeting_state",
    "meeting_url",
    "meeting_window",
    "minimised_name",
    "mode_name",
    "mint_token",
    "new_calendar",
    "new_room_name",
    "place_of",
    "revoke_feed_token",
    "room_name",
    "room_for",
    "rotate_feed_token",
    "verify_link_key",
    "when",
    "when_da",
    "when_en",
]
