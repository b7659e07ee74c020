"""GET /services, GET /services/{code}/slots, GET /consent-texts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request
from sqlalchemy import select

from booking.models import Service
from booking.privacy import active_texts
from booking.slots import local_date, search_slots
from web.api import blueprint
from web.api.auth import public_limit
from web.api.validation import invalid, iso, query_date
from web.extensions import get_db, now

DEFAULT_SEARCH_DAYS = 7


@blueprint.get("/services")
@public_limit
def list_services() -> Any:
    with get_db().transaction() as session:
        services = session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.id)
        ).all()
        return [
            {
                "code": s.code,
                "name": {"da": s.name_da, "en": s.name_en},
                "description": {"da": s.description_da, "en": s.description_en},
                "duration_minutes": s.duration_minutes,
            }
            for s in services
        ]


@blueprint.get("/services/<code>/slots")
@public_limit
def list_slots(code: str) -> Any:
    moment = now()
    date_from = query_date("from", local_date(moment))
    date_to = query_date("to", date_from + timedelta(days=DEFAULT_SEARCH_DAYS - 1))
    with get_db().transaction() as session:
        slots = search_slots(session, code, date_from, date_to, now=moment)
    return [{"start": iso(s.start), "end": iso(s.end)} for s in slots]


@blueprint.get("/consent-texts")
@public_limit
def list_consent_texts() -> Any:
    language = request.args.get("language", "da")
    if language not in ("da", "en"):
        raise invalid("language", "Sproget skal være 'da' eller 'en'. / Language must be da or en.")
    with get_db().transaction() as session:
        return [
            {"purpose": t.purpose, "version": t.version, "text": t.text}
            for t in active_texts(session, language)
        ]
