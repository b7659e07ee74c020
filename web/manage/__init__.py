"""The citizen's manage page under /booking, reached from the link in the confirmation."""

from flask import Blueprint

blueprint = Blueprint("manage", __name__, url_prefix="/booking")

from web.manage import routes  # noqa: E402, F401  (registers the views on `blueprint`)
