"""The admin API under /api/v1/admin: what the admin pages do, for a municipality's scripts.

Authenticated only by an administrator's API key (`Authorization: Bearer <key>`), never by a
session cookie, so it needs no CSRF token.
"""

from flask import Blueprint

blueprint = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")

from web.admin_api import routes, services, trainings  # noqa: E402, F401  (registers the views)
