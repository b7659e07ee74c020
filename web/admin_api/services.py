"""The admin API's meeting types (`/api/v1/admin/services`: list, read, create, change, history)
and consent texts (`/api/v1/admin/consent-texts`: every version, publish a new one).

The same `booking.settings` use cases as the admin pages, as the key's administrator; bad input
is 422 with the field (`duration_minutes`, `modes`, …).
"""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import select

from booking import settings
from booking.models import AuditEvent, ConsentText, Service, User
from web.admin_api import blueprint
from web.admin_api import schemas as s
from web.admin_api.openapi import SERVICE_CODE, SETTINGS, admin_operation
from web.api.contract import parse_body
from web.extensions import get_db, now
from web.municipality import defaults, forget


def _change_json(event: AuditEvent, emails: dict[str, str]) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "action": event.action,
        "by": emails.get(event.actor_id or ""),
        "before": event.detail.get("before"),
        "after": event.detail.get("after"),
    }


@blueprint.get("/services")
@admin_operation(
    "listAdminServices",
    "Every meeting type with its settings",
    responses={200: list[s.AdminService]},
    tags=SETTINGS,
)
def list_services() -> Any:
    with get_db().transaction() as db:
        return [
            settings.service_values(s) for s in db.scalars(select(Service).order_by(Service.code))
        ]


@blueprint.get("/services/<code>")
@admin_operation(
    "getAdminService",
    "One meeting type",
    responses={200: s.AdminService},
    errors=(404,),
    path={"code": SERVICE_CODE},
    tags=SETTINGS,
)
def get_service(code: str) -> Any:
    with get_db().transaction() as db:
        return settings.service_values(settings.get_service(db, code))


@blueprint.post("/services")
@admin_operation(
    "createAdminService",
    "Create a meeting type",
    body=s.NewService,
    responses={201: s.AdminService},
    errors=(400, 413, 422),
    tags=SETTINGS,
)
def create_service() -> Any:
    body = parse_body(s.NewService)
    with get_db().transaction() as db:
        service = settings.create_service(
            db, body.code, body.model_dump(exclude_unset=True), user_id=g.api_user_id, now=now()
        )
        return settings.service_values(service), 201


@blueprint.put("/services/<code>")
@admin_operation(
    "updateAdminService",
    "Change a meeting type's settings (those left out stay as they are)",
    body=s.ServiceSettings,
    responses={200: s.AdminService},
    errors=(400, 404, 413, 422),
    path={"code": SERVICE_CODE},
    tags=SETTINGS,
)
def update_service(code: str) -> Any:
    body = parse_body(s.ServiceSettings).model_dump(exclude_unset=True)
    with get_db().transaction() as db:
        service = settings.update_service(db, code, body, user_id=g.api_user_id, now=now())
        return settings.service_values(service)


@blueprint.get("/services/<code>/changes")
@admin_operation(
    "listAdminServiceChanges",
    "A meeting type's history, newest first",
    responses={200: list[s.AdminServiceChange]},
    errors=(404,),
    path={"code": SERVICE_CODE},
    tags=SETTINGS,
)
def service_changes(code: str) -> Any:
    with get_db().transaction() as db:
        settings.get_service(db, code)
        events = settings.service_history(db, code)
        ids = {int(e.actor_id) for e in events if e.actor_id}
        emails = {str(u.id): u.email for u in db.scalars(select(User).where(User.id.in_(ids)))}
        return [_change_json(event, emails) for event in events]


def _consent_json(text: ConsentText) -> dict[str, Any]:
    return {
        "purpose": text.purpose,
        "language": text.language,
        "version": text.version,
        "text": text.text,
        "active": text.active,
        "created_at": text.created_at.isoformat(),
    }


@blueprint.get("/consent-texts")
@admin_operation(
    "listAdminConsentTexts",
    "Every version of every consent text (old versions are kept)",
    responses={200: list[s.AdminConsentText]},
    tags=SETTINGS,
)
def list_consent_texts() -> Any:
    """Every version of every consent text, newest first per purpose and language."""
    with get_db().transaction() as db:
        versions = settings.consent_versions(db)
        return [_consent_json(text) for key in sorted(versions) for text in versions[key]]


@blueprint.post("/consent-texts")
@admin_operation(
    "publishConsentText",
    "Publish a new version of a consent text; citizens are shown it from now on, and "
    "consents already given keep pointing at the version shown",
    body=s.NewConsentText,
    responses={201: s.AdminConsentText},
    errors=(400, 413, 422),
    tags=SETTINGS,
)
def publish_consent_text() -> Any:
    body = parse_body(s.NewConsentText, messages=s.CONSENT_TEXT_MESSAGES)
    with get_db().transaction() as db:
        text = settings.publish_consent_text(
            db,
            body.purpose,
            body.language,
            body.text,
            user_id=g.api_user_id,
            now=now(),
        )
        return _consent_json(text), 201


@blueprint.get("/municipality")
@admin_operation(
    "getAdminMunicipality",
    "The municipality's facts in force (configuration unless changed here)",
    responses={200: s.Facts},
    tags=SETTINGS,
)
def get_municipality() -> Any:
    """The municipality's facts in force (configuration unless an administrator changed one)."""
    with get_db().transaction() as db:
        return settings.municipality_facts(db, defaults())


@blueprint.put("/municipality")
@admin_operation(
    "updateAdminMunicipality",
    "Change the municipality's facts (those left out stay); used by the pages, messages and "
    "GET /municipality, from which the assistant fills {municipality_*}",
    body=s.FactsChange,
    responses={200: s.Facts},
    errors=(400, 413, 422),
    tags=SETTINGS,
)
def update_municipality() -> Any:
    """Changes the facts given; the others stay."""
    body = parse_body(s.FactsChange).model_dump(exclude_unset=True)
    with get_db().transaction() as db:
        facts = settings.update_municipality(db, body, defaults(), user_id=g.api_user_id, now=now())
    forget()
    return facts
