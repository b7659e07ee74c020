"""The admin page for the municipality's facts (`booking.settings.update_municipality`)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import lazy_gettext
from sqlalchemy import select

from booking import settings
from booking.models import User
from web.admin import blueprint
from web.admin.routes import admin_only
from web.auth.guards import current_user
from web.extensions import get_db, now
from web.i18n import error_text
from web.municipality import defaults, forget
from web.staff import form_post

FACT_LABELS = {
    "name": lazy_gettext("Name of the municipality"),
    "phone": lazy_gettext("Phone"),
    "email": lazy_gettext("E-mail"),
    "address": lazy_gettext("Address"),
    "opening_hours_da": lazy_gettext("Opening hours in Danish"),
    "opening_hours_en": lazy_gettext("Opening hours in English"),
    "privacy_url": lazy_gettext("Privacy notice address (empty: this site's own page)"),
}


def _page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        facts = settings.municipality_facts(db, defaults())
        history = settings.municipality_history(db)
        ids = {int(e.actor_id) for e in history if e.actor_id}
        emails = {str(u.id): u.email for u in db.scalars(select(User).where(User.id.in_(ids)))}
        changes = [
            (event, emails.get(event.actor_id or ""), _changed(event.detail)) for event in history
        ]
    page = render_template(
        "admin/municipality.html",
        values=request.form if errors else facts,
        configured=defaults(),
        labels=FACT_LABELS,
        history=changes,
        errors=errors or {},
    )
    return page, status


def _changed(detail: dict[str, Any]) -> list[tuple[str, str, str]]:
    before, after = detail.get("before") or {}, detail.get("after") or {}
    return [
        (k, before.get(k, ""), after.get(k, ""))
        for k in FACT_LABELS
        if before.get(k) != after.get(k)
    ]


@blueprint.get("/municipality")
@admin_only
def municipality() -> Any:
    return _page()


@blueprint.post("/municipality")
@admin_only
@form_post(
    lazy_gettext("The municipality's facts were saved."),
    then=lambda: url_for("admin.municipality"),
    refused=lambda exc: _page(errors={exc.field or "form": error_text(exc)}, status=422),
)
def municipality_save() -> None:
    user = current_user()
    assert user is not None
    values = {key: request.form.get(key, "") for key in settings.FACT_KEYS}
    with get_db().transaction() as db:
        settings.update_municipality(db, values, defaults(), user_id=user.id, now=now())
    forget()
