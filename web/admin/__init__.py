"""The admin workspace under /admin: caseworkers, their services, staff logins, what the
assistant knows (`assistant`) and the administrators' API keys (`keys`)."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

# registers the views on `blueprint`: staff (routes), the assistant's content, API keys
from web.admin import assistant, keys, routes, trainings  # noqa: E402, F401
