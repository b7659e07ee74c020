"""The JSON API under /api/v1 (see ARCHITECTURE.md for the contract)."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter

from web.api.schemas import REFERENCE_PATTERN

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


class ReferenceConverter(BaseConverter):
    """`<reference:…>`: a path segment that can be a booking reference (else the route 404s)."""

    regex = REFERENCE_PATTERN.removeprefix("^").removesuffix("$")


@blueprint.record_once
def _add_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["reference"] = ReferenceConverter


from web.api import routes  # noqa: E402, F401  (registers the views on `blueprint`)
