"""Twilio's signed callbacks: delivery statuses and incoming SMS (STOP).

The blueprint is named "webhooks" so the app-wide CSRF protection can exempt it (web.security):
Twilio cannot send a CSRF token, the signature does that job here.
"""

from flask import Blueprint

blueprint = Blueprint("webhooks", __name__)

from web.webhooks import routes  # noqa: E402, F401  (registers the views on `blueprint`)
