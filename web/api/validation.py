"""Reading JSON bodies and query strings by hand: malformed → 400, wrong shape → 422 + field."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import request

from booking.slots import COPENHAGEN
from web.errors import ApiError

MAX_BODY_BYTES = 64 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2200


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", message, field=field)


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object. An empty body counts as `{}` when `optional`."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "Forespørgslen er for stor. / Request too large.")
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if not request.is_json:
        raise ApiError(
            400,
            "bad_request",
            "Send JSON med Content-Type: application/json. / "
            "Send JSON with Content-Type: application/json.",
        )
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400,
            "malformed_json",
            "Forespørgslen er ikke gyldig JSON. / The body is not valid JSON.",
        ) from None
    if not isinstance(body, dict):
        raise invalid("body", "Forventede et JSON-objekt. / Expected a JSON object.")
    return body


def string(
    obj: dict[str, Any],
    name: str,
    *,
    path: str | None = None,
    max_length: int = 500,
    required: bool = True,
) -> str | None:
    """A string member; missing or wrong type → 422 naming `path` (default `name`)."""
    field = path or name
    value = obj.get(name)
    if value is None:
        if required:
            raise invalid(field, f"Feltet '{field}' mangler. / The field '{field}' is missing.")
        return None
    if not isinstance(value, str):
        raise invalid(field, f"Feltet '{field}' skal være tekst. / '{field}' must be a string.")
    if "\x00" in value:  # never meaningful, and PostgreSQL cannot store it
        raise invalid(
            field, f"Feltet '{field}' har ugyldige tegn. / '{field}' has invalid characters."
        )
    if len(value) > max_length:
        raise invalid(field, f"Feltet '{field}' er for langt. / '{field}' is too long.")
    return value


def required_string(
    obj: dict[str, Any], name: str, *, path: str | None = None, max_length: int = 500
) -> str:
    value = string(obj, name, path=path, max_length=max_length)
    assert value is not None
    return value


def obj_member(obj: dict[str, Any], name: str) -> dict[str, Any]:
    value = obj.get(name)
    if value is None:
        raise invalid(name, f"Feltet '{name}' mangler. / The field '{name}' is missing.")
    if not isinstance(value, dict):
        raise invalid(name, f"Feltet '{name}' skal være et objekt. / '{name}' must be an object.")
    return value


def timestamp(value: str, *, field: str = "start") -> datetime:
    """An ISO 8601 date-time with a UTC offset ("2030-01-08T09:00:00+01:00" or "…Z")."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
        moment = None  # far outside any booking horizon, and near datetime's limits
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise invalid(
            field,
            "Tidspunktet skal være ISO 8601 med tidszone, fx 2030-01-08T09:00:00+01:00. / "
            "The time must be ISO 8601 with an offset, e.g. 2030-01-08T09:00:00+01:00.",
        )
    return moment


def query_date(name: str, default: date) -> date:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = date.fromisoformat(raw) if len(raw) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)
    return value if MIN_YEAR <= value.year <= MAX_YEAR else _bad_date(name)


def _bad_date(name: str) -> date:
    raise invalid(
        name,
        f"'{name}' skal være en dato som 2030-01-08. / '{name}' must be a date like 2030-01-08.",
    )


def iso(moment: datetime) -> str:
    """Output form of a time: ISO 8601 with the Copenhagen offset."""
    return moment.astimezone(COPENHAGEN).isoformat(timespec="seconds")
