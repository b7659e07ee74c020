"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)

# The route modules register their views on `blueprint` when imported.
# municipality: the assistant's municipality facts.
from web.api import bookings, catalogue, lookup, municipality, openapi  # noqa: E402, F401
