"""The citizen's manage page, reached from the link in the confirmation.

The link carries the manage token once (`/booking/<reference>?token=…`); the page moves it into
the signed session cookie and redirects to a URL without it, so the token does not linger in
the address bar, the history or a Referer header. From there the citizen can see, move or
cancel the meeting or change how it is held (video, phone, in person: a move like any
other), download the calendar file (also the cancellation, so a calendar without e-mail
invitations loses the entry too), stop SMS reminders, download or delete their data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from booking import bookings as services
from booking.bookings import BookingSettings, ManageToken, data_rights
from booking.errors import BookingError, NotAllowed
from booking.meetings import LinkSettings, display_phone, ics_url, meeting_url, mode_name
from booking.models import ConsentPurpose, MeetingMode
from booking.privacy import has_active_consent
from booking.slots import COPENHAGEN, search_slots, service_modes
from web.api.validation import iso, timestamp
from web.errors import ApiError
from web.extensions import get_conversations, get_db, now
from web.i18n import current_language, error_text, prefer_language
from web.manage import blueprint
from web.manage.meeting_window import join_state
from web.municipality import municipal_config

PHONE = MeetingMode.PHONE.value
SESSION_KEY = "manage_tokens"
MOVE_DAYS = 14


def _remember_token(reference: str, token: str) -> None:
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens[reference.upper()] = token
    session[SESSION_KEY] = tokens


def _auth(reference: str) -> ManageToken:
    token = session.get(SESSION_KEY, {}).get(reference.upper())
    if not token:
        raise NotAllowed(services.BAD_LINK)
    return ManageToken(str(token))


def _settings() -> BookingSettings:
    return BookingSettings.from_mapping(municipal_config())


def _page_error(exc: BookingError, status: int) -> tuple[str, int]:
    return render_template("manage/error.html", message=error_text(exc)), status


@blueprint.errorhandler(NotAllowed)
def _not_allowed(exc: NotAllowed) -> tuple[str, int]:
    return _page_error(exc, 403)


@blueprint.get("/<reference>")
def show(reference: str) -> Any:
    token = request.args.get("token")
    if token:
        _remember_token(reference, token)
        return redirect(url_for("manage.show", reference=reference))
    auth = _auth(reference)
    with get_db().transaction() as db_session:
        booking = services.authorised_booking(db_session, reference, auth)
        view = services.BookingView.of(booking, staff=False)
        sms_active = has_active_consent(booking, ConsentPurpose.SMS_REMINDERS.value)
        transcript_active = has_active_consent(booking, ConsentPurpose.CHAT_TRANSCRIPT.value)
        joining = join_state(booking, current_app.config, now=now())
        offered = service_modes(booking.service)
    links = LinkSettings.from_mapping(current_app.config)
    prefer_language(view.language)
    return render_template(
        "manage/show.html",
        booking=view,
        changeable=view.status == "confirmed" and view.start > now(),
        meeting_url=meeting_url(links, view.reference),
        ics_url=ics_url(links, view.reference),
        sms_active=sms_active,
        transcript_active=transcript_active,
        joining=joining,
        mode_label=mode_name(view.mode, current_language(), capital=True),
        call_number=display_phone(view.citizen_phone) if view.mode == PHONE else "",
        place=view.place.get(current_language()) if view.place else None,
        modes=_mode_choices(offered),
    )


def _mode_choices(modes: list[str]) -> list[tuple[str, str]]:
    return [(m, mode_name(m, current_language(), capital=True)) for m in modes]


def _change(reference: str, make: Callable[[], object], done: str, back: str) -> Any:
    """Make a change the citizen asked for; a refusal is flashed on the page at `back`."""
    try:
        make()
    except NotAllowed:
        raise
    except BookingError as exc:
        flash(error_text(exc), "error")
        return redirect(back), 303
    flash(done, "success")
    return redirect(url_for("manage.show", reference=reference)), 303


@blueprint.post("/<reference>/cancel")
def cancel(reference: str) -> Any:
    reason = request.form.get("reason", "")
    return _change(
        reference,
        lambda: services.cancel(
            get_db(),
            reference,
            auth=_auth(reference),
            reason=reason,
            now=now(),
            settings=_settings(),
        ),
        gettext("The meeting has been cancelled."),
        back=url_for("manage.show", reference=reference),
    )


@blueprint.post("/<reference>/mode")
def change_mode(reference: str) -> Any:
    """Change only the meeting mode, keeping the time: a move like any other."""
    auth = _auth(reference)
    mode = request.form.get("mode") or ""
    return _change(
        reference,
        lambda: services.reschedule(
            get_db(), reference, None, auth=auth, now=now(), settings=_settings(), mode=mode
        ),
        gettext("The meeting mode has been changed."),
        back=url_for("manage.show", reference=reference),
    )


@blueprint.get("/<reference>/move")
def move_form(reference: str) -> Any:
    auth = _auth(reference)
    view = services.get(get_db(), reference, auth=auth, now=now())
    today = now().astimezone(COPENHAGEN).date()
    first = _parse_date(request.args.get("from")) or today
    first = max(first, today)
    with get_db().transaction() as db_session:
        booking = services.authorised_booking(db_session, reference, auth)
        offered = service_modes(booking.service)
        mode = request.args.get("mode") if request.args.get("mode") in offered else view.mode
        slots = search_slots(
            db_session,
            view.service,
            first,
            first + timedelta(days=MOVE_DAYS),
            now=now(),
            mode=mode,
        )
    slots = [s for s in slots if s.start != view.start or mode != view.mode]
    prefer_language(view.language)
    return render_template(
        "manage/move.html",
        booking=view,
        slots=[(iso(s.start), s.start) for s in slots],
        next_from=(first + timedelta(days=MOVE_DAYS + 1)).isoformat(),
        mode=mode,
        modes=_mode_choices(offered),
    )


@blueprint.post("/<reference>/move")
def move(reference: str) -> Any:
    auth = _auth(reference)
    try:
        start = timestamp(request.form.get("start") or "")
    except ApiError:
        flash(gettext("Choose a new time."), "error")
        return redirect(url_for("manage.move_form", reference=reference)), 303
    mode = request.form.get("mode") or None
    return _change(
        reference,
        lambda: services.reschedule(
            get_db(), reference, start, auth=auth, now=now(), settings=_settings(), mode=mode
        ),
        gettext("The meeting has been moved."),
        back=url_for("manage.move_form", reference=reference),
    )


@blueprint.post("/<reference>/sms/stop")
def stop_sms(reference: str) -> Any:
    changed = data_rights.withdraw_sms_reminders(
        get_db(), reference, auth=_auth(reference), now=now()
    )
    if changed:
        flash(gettext("You will get no more SMS reminders."), "success")
    return redirect(url_for("manage.show", reference=reference)), 303


@blueprint.post("/<reference>/transcript/stop")
def stop_transcript(reference: str) -> Any:
    changed = data_rights.withdraw_transcript(
        get_db(), reference, auth=_auth(reference), now=now(), conversations=get_conversations()
    )
    if changed:
        flash(gettext("Your chat conversation is no longer kept."), "success")
    return redirect(url_for("manage.show", reference=reference)), 303


@blueprint.get("/<reference>/export.json")
def export(reference: str) -> Response:
    data = data_rights.export(get_db(), reference, auth=_auth(reference), now=now())
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="borgerbooking-{data["reference"]}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/<reference>/erase")
def erase(reference: str) -> Any:
    auth = _auth(reference)
    if request.form.get("confirm") != "yes":
        flash(gettext("Tick the box to confirm the deletion."), "error")
        return redirect(url_for("manage.show", reference=reference)), 303
    data_rights.erase(get_db(), reference, auth=auth, now=now(), conversations=get_conversations())
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens.pop(reference.upper(), None)
    session[SESSION_KEY] = tokens
    return render_template("manage/erased.html")


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@blueprint.after_request
def _no_store(response: Response) -> Response:
    # Runs before the app-wide security headers, which only fill in what is not set.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
