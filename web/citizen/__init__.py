"""The municipality's public front page with the chat widget."""

from flask import Blueprint

blueprint = Blueprint("citizen", __name__)

from web.citizen import routes  # noqa: E402, F401  (registers the views on `blueprint`)
