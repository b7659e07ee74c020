"""Staff login: log in and out, password change (routes), and who is logged in (guards)."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__)

from web.auth import routes  # noqa: E402, F401  (registers the views on `blueprint`)
