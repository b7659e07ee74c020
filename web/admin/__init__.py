"""The admin workspace under /admin: caseworkers, their services, and staff logins."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import routes  # noqa: E402, F401  (registers the views on `blueprint`)
