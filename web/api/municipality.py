"""GET /api/v1/municipality: the municipality's public contact facts, from configuration.

The assistant fills its answers (phone, address, opening hours) from here, so a municipality
changes them in its environment, never in the bot's texts.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from web.api import blueprint


@blueprint.get("/municipality")
def municipality() -> dict[str, Any]:
    config = current_app.config
    return {
        "name": config["MUNICIPALITY_NAME"],
        "phone": config["MUNICIPALITY_PHONE"],
        "address": config["MUNICIPALITY_ADDRESS"],
        "opening_hours": {
            "da": config["MUNICIPALITY_OPENING_HOURS_DA"],
            "en": config["MUNICIPALITY_OPENING_HOURS_EN"],
        },
    }
