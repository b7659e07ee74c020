"""The admin workspace under /admin: caseworkers, their services, staff logins, what the
assistant knows (`assistant`), the figures (`insight`), the meeting types (`services`), the
consent texts (`consent`), the municipality's facts (`municipality`) and the administrators'
API keys (`keys`)."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

# registers the views on `blueprint`: staff (routes), the assistant's content, API keys
from web.admin import (  # noqa: E402, F401
    assistant,
    consent,
    insight,
    keys,
    municipality,
    routes,
    services,
    trainings,
)
