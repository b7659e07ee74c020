"""The admin pages for meeting types (services): the list, a new one, one's settings and history.

Each form post is one `booking.settings` use case as the logged-in administrator, recorded in
the audit log with before and after; a refused change shows the form again with the message
beside its field (422).
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from booking import settings
from booking.errors import BookingError, NotFound
from booking.models import MeetingMode, Service, User
from web.admin import blueprint
from web.admin.routes import admin_only
from web.auth.guards import current_user
from web.extensions import get_db, now
from web.i18n import error_text
from web.staff import form_post

FIELD_LABELS = {
    "name_da": lazy_gettext("Name in Danish"),
    "name_en": lazy_gettext("Name in English"),
    "description_da": lazy_gettext("Description in Danish"),
    "description_en": lazy_gettext("Description in English"),
    "duration_minutes": lazy_gettext("Duration (minutes)"),
    "buffer_minutes": lazy_gettext("Buffer after a meeting (minutes)"),
    "slot_step_minutes": lazy_gettext("Slot step (minutes)"),
    "min_notice_minutes": lazy_gettext("Minimum notice (minutes)"),
    "horizon_days": lazy_gettext("Bookable how far ahead (days)"),
    "retention_days": lazy_gettext("Personal data kept after the meeting (days)"),
    "reminder_offsets_minutes": lazy_gettext("SMS reminders, minutes before (e.g. 1440, 60)"),
    "modes": lazy_gettext("Ways to meet"),
    "address_da": lazy_gettext("Address for in-person meetings, in Danish"),
    "address_en": lazy_gettext("Address for in-person meetings, in English"),
    "directions_da": lazy_gettext("Directions in Danish"),
    "directions_en": lazy_gettext("Directions in English"),
    "active": lazy_gettext("Citizens can book it"),
    "code": lazy_gettext("Code (in addresses and the API, cannot be changed)"),
}
MODE_LABELS = {
    MeetingMode.VIDEO.value: lazy_gettext("Video"),
    MeetingMode.PHONE.value: lazy_gettext("Phone"),
    MeetingMode.IN_PERSON.value: lazy_gettext("In person"),
}
NEW_SERVICE = {
    "duration_minutes": 30,
    "buffer_minutes": 0,
    "slot_step_minutes": 30,
    "min_notice_minutes": 120,
    "horizon_days": 60,
    "retention_days": 90,
    "reminder_offsets_minutes": [1440, 60],
    "modes": [MeetingMode.VIDEO.value],
    "active": True,
}


@blueprint.app_template_global()
def setting_value(value: Any) -> str:
    """A setting as a person reads it in the history: lists joined, yes/no, '–' for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(str(MODE_LABELS.get(item, item)) for item in value) or "–"
    return str(value)


def _values_from_form() -> dict[str, Any]:
    form = request.form
    values: dict[str, Any] = {
        field: form.get(field, "")
        for field in settings.SERVICE_FIELDS
        if field not in ("modes", "active")
    }
    values["modes"] = form.getlist("modes")
    values["active"] = form.get("active") == "yes"
    return values


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the form shows them (reminders as one line)."""
    shown = dict(values)
    reminders = shown.get("reminder_offsets_minutes")
    if isinstance(reminders, list):
        shown["reminder_offsets_minutes"] = ", ".join(str(m) for m in reminders)
    return shown


def _me() -> int:
    user = current_user()
    assert user is not None
    return user.id


def _errors(exc: BookingError) -> dict[str, str]:
    return {exc.field or "form": error_text(exc)}


@blueprint.get("/services/")
@admin_only
def services() -> Any:
    with get_db().transaction() as db:
        rows = db.scalars(select(Service).order_by(Service.code)).all()
        return render_template("admin/services/index.html", services=rows, mode_labels=MODE_LABELS)


def _service_page(code: str, *, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        try:
            service = settings.get_service(db, code)
        except NotFound:
            abort(404)
        history = settings.service_history(db, code)
        emails = {
            str(user.id): user.email
            for user in db.scalars(
                select(User).where(User.id.in_({int(e.actor_id) for e in history if e.actor_id}))
            )
        }
        values = _values_from_form() if errors else settings.service_values(service)
        page = render_template(
            "admin/services/edit.html",
            service=service,
            values=_shown(values),
            history=[
                (e, emails.get(e.actor_id or ""), settings.changed_settings(e)) for e in history
            ],
            errors=errors or {},
            labels=FIELD_LABELS,
            mode_labels=MODE_LABELS,
        )
    return page, status


@blueprint.get("/services/<code>")
@admin_only
def service(code: str) -> Any:
    return _service_page(code)


def _back_to_service(code: str) -> str:
    return url_for("admin.service", code=code)


@blueprint.post("/services/<code>")
@admin_only
@form_post(
    lazy_gettext("The meeting type was saved."),
    then=_back_to_service,
    refused=lambda exc, code: _service_page(code, errors=_errors(exc), status=422),
)
def service_save(code: str) -> None:
    with get_db().transaction() as db:
        settings.update_service(db, code, _values_from_form(), user_id=_me(), now=now())


def _new_page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    values = (
        {"code": request.form.get("code", ""), **_values_from_form()} if errors else NEW_SERVICE
    )
    page = render_template(
        "admin/services/edit.html",
        service=None,
        values=_shown(values),
        history=[],
        errors=errors or {},
        labels=FIELD_LABELS,
        mode_labels=MODE_LABELS,
    )
    return page, status


@blueprint.get("/services/new")
@admin_only
def service_new() -> Any:
    return _new_page()


def _to_new_service(**_: Any) -> str:
    return url_for("admin.service", code=request.form.get("code", "").strip())


@blueprint.post("/services/")
@admin_only
@form_post(
    lazy_gettext("The meeting type was created. Choose the caseworkers who offer it."),
    then=_to_new_service,
    refused=lambda exc: _new_page(errors=_errors(exc), status=422),
)
def service_create() -> None:
    with get_db().transaction() as db:
        settings.create_service(
            db, request.form.get("code", ""), _values_from_form(), user_id=_me(), now=now()
        )
