"""Reading JSON bodies and query strings by hand: malformed → 400, wrong shape → 422 + field."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _

from booking.slots import COPENHAGEN
from web.errors import ApiError

MAX_BODY_BYTES = 64 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2200


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", message, field=field)


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object. An empty body counts as `{}` when `optional`."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", _("The request is too large."))
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if not request.is_json:
        raise ApiError(
            400,
            "bad_request",
            _("Send JSON (Content-Type: application/json)."),
        )
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400,
            "malformed_json",
            _("The body is not valid JSON."),
        ) from None
    if not isinstance(body, dict):
        raise invalid("body", _("Expected a JSON object."))
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
            raise invalid(field, _("The field '%(field)s' is missing.", field=field))
        return None
    if not isinstance(value, str):
        raise invalid(field, _("The field '%(field)s' must be text.", field=field))
    if "\x00" in value:  # never meaningful, and PostgreSQL cannot store it
        raise invalid(field, _("The field '%(field)s' has invalid characters.", field=field))
    if len(value) > max_length:
        raise invalid(field, _("The field '%(field)s' is too long.", field=field))
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
        raise invalid(name, _("The field '%(field)s' is missing.", field=name))
    if not isinstance(value, dict):
        raise invalid(name, _("The field '%(field)s' must be an object.", field=name))
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
            _("The time must be ISO 8601 with an offset, e.g. 2030-01-08T09:00:00+01:00."),
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
        _("The field '%(field)s' must be a date like 2030-01-08.", field=name),
    )


def iso(moment: datetime) -> str:
    """Output form of a time: ISO 8601 with the Copenhagen offset."""
    return moment.astimezone(COPENHAGEN).isoformat(timespec="seconds")
