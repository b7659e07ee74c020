"""The meeting mode in /book: the choices a service offers, and how the citizen will meet.

A service that offers one mode skips the choice (the service step fills it in); one that offers
several asks on its own step, before the free times, which are then searched in that mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from booking.bookings import BookingView
from booking.meetings import display_phone, mode_name
from booking.models import MeetingMode, Service
from booking.slots import service_modes
from web.book import draft, forms

VIDEO, PHONE, IN_PERSON = (m.value for m in MeetingMode)


@dataclass(frozen=True)
class ModeChoice:
    value: str  # video, phone, in_person
    label: str  # "Videomøde" / "Video meeting"
    hint: str  # what it means for the citizen


def _hint(mode: str) -> str:
    if mode == PHONE:
        return _("Your caseworker calls you on the mobile number you give us.")
    if mode == IN_PERSON:
        return _("You come to the municipality and meet your caseworker there.")
    return _("On your phone, tablet or computer, with the link we send you.")


def steps_for(session: Session, service_code: str | None) -> list[str]:
    """The steps this citizen walks ("Step 2 of 6"): the mode step only when there is a choice;
    before a service is chosen, whenever any service offers one."""
    row = forms.active_service(session, service_code)
    candidates = [row] if row is not None else forms.active_services(session)
    several = any(len(service_modes(s)) > 1 for s in candidates)
    return [name for name, _fields in draft.STEPS if several or name != "mode"]


def mode_choices(service: Service, language: str) -> list[ModeChoice]:
    """The modes `service` offers, in its order, labelled in `language`."""
    return [
        ModeChoice(mode, mode_name(mode, language, capital=True), _hint(mode))
        for mode in service_modes(service)
    ]


def how_to_meet(view: BookingView, language: str) -> list[str]:
    """The confirmation's sentences on how to join, who calls whom, or where to go."""
    if view.mode == PHONE:
        return [
            _(
                "Your caseworker will call you on %(number)s.",
                number=display_phone(view.citizen_phone),
            ),
            _("We have sent a confirmation by SMS."),
        ]
    if view.mode == IN_PERSON and view.place:
        place = view.place.get(language) or view.place["da"]
        sentences = [_("The meeting takes place at: %(address)s.", address=place.address)]
        if place.directions:
            sentences.append(place.directions)
        return [*sentences, _("We have sent a confirmation by SMS.")]
    return [_("We have sent a confirmation by SMS with the link to the meeting.")]
