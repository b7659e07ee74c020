"""The OpenAPI 3.1 document of /api/v1 (served at /openapi.json), generated from the routes and
the operations and pydantic models they declare (`web.api.contract`, `web.api.schemas`)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from web.api.contract import Security, new_schemas, paths

# Anyone may call these; a trusted caller's service token exempts it from per-address limits
# (and a wrong one is 401 on every route).
PUBLIC: Security = [{}, {"serviceToken": []}]
MANAGE_AUTH: Security = [{"manageToken": []}, {"staffSession": []}]


def limited(*statuses: int) -> tuple[int, ...]:
    """The error answers of a rate-limited route that also takes a service token."""
    return tuple(sorted({*statuses, 401, 429}))


DESCRIPTION = (
    "Booking of meetings with the municipality: by video, by phone or in person. Errors are "
    '`{"error": {"code", "message"}}`, the message in the language of the request\'s '
    "`Accept-Language` (`da` or `en`; Danish by default); times are ISO 8601 with offset. "
    "Trusted callers send `Authorization: Bearer <service token>` and are exempt from per-IP "
    "limits. Over a limit the answer is 429 with `Retry-After`; limits are counted in storage "
    "every server shares (Redis or the database). A method a path does not declare is 405 "
    "with `Allow`."
)


def document(app: Flask, server_url: str) -> dict[str, Any]:
    schemas = new_schemas()
    described = paths(app, "/api/v1", schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Borgerbooking API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "paths": described,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "serviceToken": {"type": "http", "scheme": "bearer"},
                "manageToken": {"type": "apiKey", "in": "header", "name": "X-Manage-Token"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session"},
                "adminApiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An administrator's API key (the admin API under /admin), "
                    "created in the admin console or by `flask --app web admin-key create "
                    "<e-mail>`; revocable.",
                },
            },
        },
    }
