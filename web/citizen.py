"""The municipality's public page at `/` with the chat widget that talks to the assistant."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

blueprint = Blueprint("citizen", __name__)


@blueprint.get("/")
def index() -> str:
    return render_template("citizen/index.html", rasa_url=current_app.config["RASA_URL"])


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
