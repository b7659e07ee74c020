"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)

# The route modules register their views on `blueprint` when imported.
from web.api import bookings, catalogue, lookup, openapi  # noqa: E402, F401
from web.api import municipality  # noqa: E402, F401  (the assistant's municipality facts)
