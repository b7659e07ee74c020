"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)
