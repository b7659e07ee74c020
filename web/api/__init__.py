"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)

from web.api import municipality  # noqa: E402, F401  (the assistant's municipality facts)
