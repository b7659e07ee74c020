"""The /book steps: service → mode → time → details → consent → confirm → done.

The mode step is shown only when the service offers more than one mode (video, phone, in
person); otherwise the service step fills it in.

Every step is a GET that shows the form and a POST that checks it, stores it in the draft and
redirects to the next step (POST-redirect-GET); a POST with errors shows the form again with
each message next to its field. Only the confirm step writes to the database, in one
transaction (`booking.bookings.book`): a time taken meanwhile sends the citizen back to the
list with a message and nothing half-written.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from booking import bookings as services
from booking.errors import BookingError, ConsentMissing, InvalidStart, NotFound, SlotUnavailable
from booking.meetings import LinkSettings, ics_url, mode_name
from booking.models import Channel, ConsentPurpose, Service
from booking.privacy import ConsentGiven, active_texts
from booking.slots import local_date, search_slots, service_modes
from web.book import blueprint, draft, forms
from web.book.language import page_language
from web.book.modes import how_to_meet, mode_choices, steps_for
from web.book.times import by_day, meeting_time_label
from web.extensions import get_db, now
from web.municipality import municipal_config

DAYS_PER_PAGE = 7
IDEMPOTENCY_SCOPE = "web:book"


def _to(step: str) -> Response:
    return redirect(url_for(f"book.{step}"), 303)


def _guard(current: draft.Draft, step: str) -> Response | None:
    """Send the citizen to the first unfinished step if this one is not reachable yet."""
    return None if current.ready_for(step) else _to(current.first_missing_step())


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"book/{template}.html", **context), status


@blueprint.context_processor
def _steps() -> dict[str, Any]:
    with get_db().transaction() as session:
        return {"book_steps": steps_for(session, draft.load().service)}


# --- 1. The service ----------------------------------------------------------------------------


@blueprint.route("/", methods=["GET", "POST"], strict_slashes=False)
def service() -> Any:
    current = draft.load()
    with get_db().transaction() as session:
        offered = [
            (
                s.code,
                s.name(page_language()),
                s.description_en if page_language() == "en" else s.description_da,
            )
            for s in forms.active_services(session)
        ]
        if request.method == "POST":
            result = forms.read_service(session, request.form)
            if not result.errors:
                if result.values["service"] != current.service:
                    current.meeting_time = current.mode = None
                current.service = result.values["service"]
                row = forms.active_service(session, current.service)
                modes_offered = service_modes(row) if row is not None else []
                if len(modes_offered) == 1:
                    current.mode = modes_offered[0]
                elif current.mode not in modes_offered:
                    current.mode = None
                draft.save(current)
                return _to("time" if len(modes_offered) == 1 else "mode")
            return _page("service", 400, services=offered, errors=result.errors, chosen=None)
    return _page("service", services=offered, errors={}, chosen=current.service)


# --- 2. The meeting mode ----------------------------------------------------------------------


@blueprint.route("/mode", methods=["GET", "POST"])
def mode() -> Any:
    current = draft.load()
    if (redirected := _guard(current, "mode")) is not None:
        return redirected
    with get_db().transaction() as session:
        row = forms.active_service(session, current.service)
        if row is None:
            current.service = current.mode = None
            draft.save(current)
            return _to("service")
        offered = service_modes(row)
        if len(offered) == 1:
            current.mode = offered[0]
            draft.save(current)
            return _to("time")
        choices = mode_choices(row, page_language())
        service_name = row.name(page_language())
        result = forms.read_mode(row, request.form) if request.method == "POST" else None
    if result is None or result.errors:
        return _page(
            "mode",
            200 if result is None else 400,
            modes=choices,
            service_name=service_name,
            errors=result.errors if result else {},
            chosen=current.mode if result is None else None,
        )
    if result.values["mode"] != current.mode:
        current.meeting_time = None
    current.mode = result.values["mode"]
    draft.save(current)
    return _to("time")


# --- 3. The time -------------------------------------------------------------------------------


def _first_day(raw: str | None, today: date) -> date:
    try:
        chosen = date.fromisoformat(raw) if raw else today
    except ValueError:
        chosen = today
    return min(max(chosen, today), today + timedelta(days=3650))


def _time_page(current: draft.Draft, errors: dict[str, str], status: int = 200) -> Any:
    moment = now()
    today = local_date(moment)
    first = _first_day(request.values.get("from"), today)
    last = first + timedelta(days=DAYS_PER_PAGE - 1)
    assert current.service is not None
    with get_db().transaction() as session:
        service_row = forms.active_service(session, current.service)
        if service_row is None:
            current.service = current.mode = None
            draft.save(current)
            return _to("service")
        if current.mode not in service_modes(service_row):
            current.mode = current.meeting_time = None
            draft.save(current)
            return _to("mode")
        horizon = today + timedelta(days=service_row.horizon_days)
        slots = search_slots(session, current.service, first, last, now=moment, mode=current.mode)
        service_name = service_row.name(page_language())
        several = len(service_modes(service_row)) > 1
    later = last + timedelta(days=1)
    earlier = max(first - timedelta(days=DAYS_PER_PAGE), today) if first > today else None
    return _page(
        "time",
        status,
        service_name=service_name,
        mode_label=mode_name(current.mode, page_language(), capital=True) if several else "",
        back=url_for("book.mode" if several else "book.service"),
        days=by_day([s.start for s in slots], page_language()),
        first=first,
        later=later.isoformat() if later <= horizon else None,
        earlier=earlier.isoformat() if earlier else None,
        chosen=current.meeting_time,
        errors=errors,
    )


@blueprint.route("/time", methods=["GET", "POST"])
def time() -> Any:
    current = draft.load()
    if (redirected := _guard(current, "time")) is not None:
        return redirected
    if request.method == "POST":
        assert current.service is not None
        with get_db().transaction() as session:
            result = forms.read_time(
                session, current.service, request.form, now=now(), mode=current.mode
            )
        if result.errors:
            return _time_page(current, result.errors, 400)
        current.meeting_time = result.values["meeting_time"]
        draft.save(current)
        return _to("details")
    return _time_page(current, {})


# --- 4. Name, mobile, e-mail -------------------------------------------------------------------


@blueprint.route("/details", methods=["GET", "POST"])
def details() -> Any:
    current = draft.load()
    if (redirected := _guard(current, "details")) is not None:
        return redirected
    if request.method == "POST":
        result = forms.read_details(request.form)
        if result.errors:
            return _page("details", 400, values=result.values, errors=result.errors)
        current.citizen_name = result.values["citizen_name"]
        current.citizen_phone = result.values["citizen_phone"]
        current.citizen_email = result.values["citizen_email"]
        draft.save(current)
        return _to("consent")
    values = {
        "citizen_name": current.citizen_name or "",
        "citizen_phone": current.citizen_phone or "",
        "citizen_email": current.citizen_email or "",
    }
    return _page("details", values=values, errors={})


# --- 5. The consent texts ----------------------------------------------------------------------


def _consent_texts() -> dict[str, Any]:
    with get_db().transaction() as session:
        return {
            t.purpose: {"version": t.version, "text": t.text}
            for t in active_texts(session, page_language())
        }


@blueprint.route("/consent", methods=["GET", "POST"])
def consent() -> Any:
    current = draft.load()
    if (redirected := _guard(current, "consent")) is not None:
        return redirected
    texts = _consent_texts()
    booking_text = texts.get(ConsentPurpose.BOOKING.value)
    sms_text = texts.get(ConsentPurpose.SMS_REMINDERS.value)
    if request.method == "POST" and booking_text is not None:
        result = forms.read_consent(request.form)
        if result.errors:
            return _page(
                "consent", 400, booking_text=booking_text, sms_text=sms_text, errors=result.errors
            )
        current.consent_version = int(booking_text["version"])
        wants_sms = result.values["sms_reminders"] and sms_text is not None
        current.sms_version = int(sms_text["version"]) if wants_sms and sms_text else None
        draft.save(current)
        return _to("confirm")
    return _page(
        "consent",
        booking_text=booking_text,
        sms_text=sms_text,
        errors={},
        given=current.consent_version is not None,
        sms_chosen=current.sms_version is not None,
    )


# --- 6. Confirm, and the confirmation ---------------------------------------------------------


def _booking_request(current: draft.Draft) -> services.BookingRequest:
    start = forms.parse_time(current.meeting_time or "")
    assert start is not None and current.consent_version is not None
    consents = [ConsentGiven(ConsentPurpose.BOOKING.value, current.consent_version)]
    if current.sms_version is not None:
        consents.append(ConsentGiven(ConsentPurpose.SMS_REMINDERS.value, current.sms_version))
    return services.BookingRequest(
        service=current.service or "",
        start=start,
        name=current.citizen_name or "",
        phone=current.citizen_phone or "",
        email=current.citizen_email or None,
        language=page_language(),
        channel=Channel.WEB.value,
        consents=tuple(consents),
        mode=current.mode or "",
    )


def _summary(current: draft.Draft) -> dict[str, Any]:
    start = forms.parse_time(current.meeting_time or "")
    assert start is not None
    with get_db().transaction() as session:
        row = session.query(Service).filter_by(code=current.service).first()
        name = row.name(page_language()) if row else current.service or ""
        several = row is not None and len(service_modes(row)) > 1
    return {
        "service": name,
        "mode": mode_name(current.mode, page_language(), capital=True),
        "mode_changeable": several,
        "time": meeting_time_label(start, page_language()),
    }


def _refused(current: draft.Draft, exc: BookingError) -> Response:
    """Back to the step the refusal concerns, with its reason; nothing was written."""
    if isinstance(exc, SlotUnavailable | InvalidStart):
        current.meeting_time = None
        draft.save(current)
        flash(
            _("Sorry, the time you chose was taken in the meantime. Choose another time."), "error"
        )
        return _to("time")
    if isinstance(exc, ConsentMissing):
        current.consent_version = None
        current.sms_version = None
        draft.save(current)
        flash(_("The terms have changed. Read them again and accept them to book."), "error")
        return _to("consent")
    if exc.field == "mode":
        current.mode = current.meeting_time = None
        draft.save(current)
        flash(_("That way of meeting is no longer offered. Choose another one."), "error")
        return _to("mode")
    if isinstance(exc, NotFound):
        draft.clear()
        flash(_("That service can no longer be booked. Choose another one."), "error")
        return _to("service")
    flash(_("Please check your details."), "error")
    current.citizen_name = current.citizen_phone = None
    draft.save(current)
    return _to("details")


@blueprint.route("/confirm", methods=["GET", "POST"])
def confirm() -> Any:
    current = draft.load()
    if (redirected := _guard(current, "confirm")) is not None:
        return redirected
    if request.method == "GET":
        return _page("confirm", draft=current, summary=_summary(current))
    try:
        created = services.book(
            get_db(),
            _booking_request(current),
            now=now(),
            settings=services.BookingSettings.from_mapping(municipal_config()),
            idempotency_scope=IDEMPOTENCY_SCOPE,
            idempotency_key=current.idempotency_key,
        )
    except BookingError as exc:
        return _refused(current, exc)
    draft.clear()
    draft.remember_done(created.reference, created.manage_token)
    return _to("done")


@blueprint.get("/done")
def done() -> Any:
    booked = draft.done()
    if booked is None:
        return _to("service")
    reference = booked["reference"]
    links = LinkSettings.from_mapping(current_app.config)
    base = str(current_app.config["PUBLIC_BASE_URL"])
    manage_link = base + url_for("manage.show", reference=reference, token=booked["manage_token"])
    try:
        view = services.get(
            get_db(), reference, auth=services.ManageToken(booked["manage_token"]), now=now()
        )
    except BookingError:
        return _to("service")
    return _page(
        "done",
        reference=reference,
        manage_link=manage_link,
        ics_url=ics_url(links, reference),
        service_name=view.service_name.get(page_language(), view.service_name["da"]),
        time_label=meeting_time_label(view.start, page_language()),
        mode=view.mode,
        mode_label=mode_name(view.mode, page_language(), capital=True),
        how_to_meet=how_to_meet(view, page_language()),
        email=view.citizen_email,
    )


@blueprint.after_request
def _private(response: Response) -> Response:
    # The pages hold the citizen's details (and the manage link on the last one).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
