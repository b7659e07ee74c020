"""The meeting page (Jitsi), the citizen's invite and SMS opt-out, and the caseworker's feed."""

from flask import Blueprint

blueprint = Blueprint("meeting", __name__)

from web.meeting import routes  # noqa: E402, F401  (registers the views on `blueprint`)
