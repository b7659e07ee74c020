"""The Flask web app: API, citizen pages, caseworker and admin workspaces, webhooks.

`create_app` is the only place an app, an engine or an outside client is built.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from booking.db import Database
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

    # Imported here, not at the top: the submodules import `web.extensions`, and building the
    # app is the only moment they are needed.
    from web import (
        admin,
        api,
        auth,
        caseworker,
        citizen,
        cli,
        errors,
        extensions,
        manage,
        meeting,
        security,
        webhooks,
        worker,
    )

    extensions.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    citizen.init_app(app)
    app.register_blueprint(meeting.blueprint)
    manage.init_app(app)
    caseworker.init_app(app)
    admin.init_app(app)
    app.register_blueprint(webhooks.blueprint)
    app.cli.add_command(worker.worker_command)
    cli.init_app(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
