"""Domain errors and HTTP errors → `{"error": {"code", "message"}}` for the API.

The message is written in the request's language (Accept-Language, Danish by default).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import HTTPException

from booking import errors as domain
from booking.assistant.rasa_servers import RasaUnavailable
from booking.assistant.trainings import CandidateWorse, TrainingActive
from web import ratelimits
from web.i18n import error_text

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[domain.BookingError], int] = {
    domain.ValidationFailed: 422,
    domain.NotFound: 404,
    domain.SlotUnavailable: 409,
    domain.InvalidStart: 422,
    domain.ConsentMissing: 422,
    domain.NotAllowed: 403,
    domain.InvalidState: 409,
    domain.CodeRejected: 403,
    domain.IdempotencyConflict: 422,
    TrainingActive: 409,
    CandidateWorse: 409,
    RasaUnavailable: 502,
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    502: "bad_gateway",
}

HTTP_MESSAGES = {
    400: lazy_gettext("The request could not be read."),
    401: lazy_gettext("Authentication is required."),
    403: lazy_gettext("You do not have access."),
    404: lazy_gettext("Not found."),
    405: lazy_gettext("Method not allowed."),
    413: lazy_gettext("The request is too large."),
    415: lazy_gettext("Send JSON (Content-Type: application/json)."),
    429: lazy_gettext("Too many requests. Try again later."),
    500: lazy_gettext("Something went wrong on our side."),
}


class ApiError(Exception):
    """An error raised by a view with a status, a code and a message for a person."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    body.update({k: v for k, v in extra.items() if v is not None})
    return jsonify({"error": body}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(status: int, headers: list[tuple[str, str]] | None = None) -> Any:
    """A page in the reader's language for an HTTP error of the pages (not the API)."""
    if status == 429:
        message = ratelimits.retry_message()
    else:
        message = str(HTTP_MESSAGES.get(status, HTTP_MESSAGES[400 if status < 500 else 500]))
    try:
        page = render_template("error.html", status=status, message=message)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        log.exception("the error page for %s could not be rendered", status)
        page = message
    return page, status, headers or []


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> tuple[Response, int]:
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    @app.errorhandler(domain.BookingError)
    def _domain_error(exc: domain.BookingError) -> tuple[Response, int]:
        status = STATUS_BY_ERROR.get(type(exc), 422)
        extra = {"training_id": getattr(exc, "training_id", None)}
        return error_response(status, exc.code, error_text(exc), field=exc.field, **extra)

    @app.errorhandler(429)
    def _too_many_requests(exc: HTTPException) -> Any:
        # Over a rate limit: say how long to wait, in words and in Retry-After.
        headers = [("Retry-After", str(ratelimits.retry_after_seconds()))]
        if not _wants_json():
            return error_page(429, headers)
        body, status = error_response(429, HTTP_CODES[429], ratelimits.retry_message())
        body.headers.update(headers)
        return body, status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if not _wants_json():
            if exc.response is not None or status < 400:
                return exc  # a redirect, or an error that brings its own response
            kept = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
            return error_page(status, kept)
        message = str(HTTP_MESSAGES.get(status, exc.description or ""))
        body, status = error_response(status, HTTP_CODES.get(status, "error"), message)
        # e.g. a 405's `Allow`: the methods the path does answer
        body.headers.update((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
        return body, status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _wants_json():
            return error_page(500)
        return error_response(500, "internal_error", gettext("Something went wrong on our side."))
