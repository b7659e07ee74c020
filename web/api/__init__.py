"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import routes  # noqa: E402, F401  (registers the views on `blueprint`)
