"""The caseworker workspace under /caseworker: today, calendar, meetings, availability, feed."""

from flask import Blueprint

blueprint = Blueprint("caseworker", __name__, url_prefix="/caseworker")

from web.caseworker import routes  # noqa: E402, F401  (registers the views on `blueprint`)
