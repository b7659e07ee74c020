"""The raw request: the JSON body (malformed → 400, too large → 413), the query string; times."""

from __future__ import annotations

import json
from datetime import datetime
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


def request_args() -> dict[str, str | list[str]]:
    """The query string; a parameter given more than once is a list (which no declared
    parameter accepts: 422 naming it)."""
    return {
        name: values[0] if len(values) == 1 else values for name, values in request.args.lists()
    }


def iso(moment: datetime) -> str:
    """Output form of a time: ISO 8601 with the Copenhagen offset."""
    return moment.astimezone(COPENHAGEN).isoformat(timespec="seconds")
