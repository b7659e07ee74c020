"""Who is calling the API: a trusted service (bearer token), a citizen (manage token) or staff.

Also the rate-limit rules, which exempt trusted services, and the idempotency scope.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import cast

from flask import current_app, g, request
from flask_babel import gettext

from booking.bookings import Auth, ManageToken, StaffPrincipal
from web.auth.guards import current_principal as staff_principal
from web.errors import ApiError
from web.ratelimits import limit_of, limiter

MANAGE_TOKEN_HEADER = "X-Manage-Token"  # noqa: S105 - a header name


def service_token_id() -> str | None:
    """A short id of the caller's valid service token, None without one; a bad one → 401."""
    if "_service_token_id" in g:
        return cast(str | None, g._service_token_id)
    header = request.headers.get("Authorization", "")
    token_id = None
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or not _known_token(token):
            raise ApiError(401, "unauthorized", gettext("Invalid service token."))
        token_id = hashlib.sha256(token.encode()).hexdigest()[:16]
    g._service_token_id = token_id
    return token_id


def _known_token(token: str) -> bool:
    found = False
    for known in current_app.config.get("SERVICE_TOKENS") or []:
        # Compare with every token, so the time taken says nothing about which one was near.
        found |= hmac.compare_digest(token.encode(), str(known).encode())
    return found


def is_trusted_caller() -> bool:
    """True for the action server and other holders of a service token (no per-IP limits)."""
    try:
        return service_token_id() is not None
    except ApiError:
        return False


def idempotency_scope() -> str:
    token_id = service_token_id()
    return f"service:{token_id}" if token_id else f"ip:{request.remote_addr or 'unknown'}"


def current_principal() -> StaffPrincipal | None:
    """The logged-in caseworker or admin of this request, or None.

    web.auth.routes loads the staff member from the session cookie before each request (checking
    that the account is active, the password unchanged and the session not idle).
    """
    return staff_principal()


def manage_token() -> ManageToken:
    """The manage token from the header (the citizen's own rights need it); none → 401."""
    token = request.headers.get(MANAGE_TOKEN_HEADER, "").strip()
    if not token:
        raise _no_manage_token()
    return ManageToken(token)


def _no_manage_token() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        gettext("Send the booking's manage token in X-Manage-Token."),
    )


def booking_auth() -> Auth:
    """The manage token from the header, else the staff session; neither → 401."""
    token = request.headers.get(MANAGE_TOKEN_HEADER, "").strip()
    if token:
        return ManageToken(token)
    principal = current_principal()
    if principal is not None:
        # The API is exempt from CSRF tokens; a cross-site page cannot send JSON without a
        # CORS preflight we never grant, so a cookie-authenticated change must be JSON.
        if request.method != "GET" and not request.is_json:
            raise ApiError(
                403,
                "forbidden",
                gettext("Send JSON (Content-Type: application/json)."),
            )
        return principal
    raise _no_manage_token()


def _limit(config_key: str):
    return limiter.limit(
        lambda: limit_of(config_key),
        exempt_when=is_trusted_caller,
        scope=config_key.lower(),
    )


public_limit = _limit("RATELIMIT_PUBLIC")
create_limit = _limit("RATELIMIT_BOOKING_CREATE")
lookup_limit = _limit("RATELIMIT_LOOKUP")
