"""The admin page for consent texts: the version in force per purpose and language, every
earlier version, and publishing a new one (`booking.settings.publish_consent_text`)."""

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
from web.staff import form_post

PURPOSE_LABELS = {
    "booking": lazy_gettext("Booking (privacy notice, required)"),
    "sms_reminders": lazy_gettext("SMS reminders (optional consent)"),
    "chat_transcript": lazy_gettext("Keeping the chat conversation (optional consent)"),
}
LANGUAGE_LABELS = {"da": lazy_gettext("Danish"), "en": lazy_gettext("English")}


def _page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    """`errors` are keyed by the form's id (`text-booking-da`)."""
    with get_db().transaction() as db:
        history = settings.consent_history(db)
        ids = {int(e.actor_id) for e in history if e.actor_id}
        emails = {str(u.id): u.email for u in db.scalars(select(User).where(User.id.in_(ids)))}
        page = render_template(
            "admin/consent_texts.html",
            versions=settings.consent_versions(db),
            history=[(event, emails.get(event.actor_id or "")) for event in history],
            purposes=PURPOSE_LABELS,
            languages=LANGUAGE_LABELS,
            errors=errors or {},
            form=request.form if errors else {},
        )
    return page, status


@blueprint.get("/consent-texts")
@admin_only
def consent_texts() -> Any:
    return _page()


def _refused(exc: Any) -> Any:
    purpose, language = request.form.get("purpose", ""), request.form.get("language", "")
    return _page(errors={f"text-{purpose}-{language}": error_text(exc)}, status=422)


@blueprint.post("/consent-texts")
@admin_only
@form_post(
    lazy_gettext("The new version was published. Citizens are shown it from now on."),
    then=lambda: url_for("admin.consent_texts"),
    refused=_refused,
)
def consent_publish() -> None:
    user = current_user()
    assert user is not None
    with get_db().transaction() as db:
        settings.publish_consent_text(
            db,
            request.form.get("purpose"),
            request.form.get("language"),
            request.form.get("text", ""),
            user_id=user.id,
            now=now(),
        )
