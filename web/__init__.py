"""The Flask web app: API, citizen pages, caseworker and admin workspaces, webhooks.

`create_app` is the only place an app, an engine or an outside client is built.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from booking.db import Database
from booking.names import redact_cpr
from web.config import Config, load_config


def create_app(config: Config | str | None = None, **overrides: Any) -> Flask:
    if not isinstance(config, Config):
        config = load_config(config)
    for key, value in overrides.items():
        setattr(config, key, value)

    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(config.as_dict())
    app.config["ENV_NAME"] = config.ENV_NAME

    app.extensions["database"] = Database(app.config["DATABASE_URL"])

    # Imported here, not at the top: the areas import `web.extensions`, and building the app is
    # the only moment they are needed.
    from web import (
        admin,
        admin_api,
        api,
        auth,
        book,
        caseworker,
        citizen,
        cli,
        errors,
        extensions,
        i18n,
        manage,
        meeting,
        municipality,
        prepare,
        security,
        webhooks,
        widget,
    )

    extensions.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    municipality.init_app(app)
    # a name stored before the name rule may hold a CPR number: templates show it redacted
    app.add_template_filter(redact_cpr, "redact_cpr")
    cli.init_app(app)
    # One package per area, each a blueprint that brings its own URL prefix and hooks.
    for area in (
        auth,
        api,
        citizen,
        book,
        widget,
        prepare,
        meeting,
        manage,
        caseworker,
        admin,
        admin_api,
        webhooks,
    ):
        app.register_blueprint(area.blueprint)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
