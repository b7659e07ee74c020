"""The chat widget a municipality embeds with one line: the script, its stylesheet, its config."""

from flask import Blueprint

blueprint = Blueprint("widget", __name__)

from web.widget import routes  # noqa: E402, F401  (registers the views on `blueprint`)
