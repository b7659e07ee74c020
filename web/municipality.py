"""The municipality's facts for this request: configuration as the defaults, overridden by what
administrators stored (`booking.settings.municipality`).

Templates read `municipality.name`, `municipality.phone`, …; views that hand configuration to
`booking` (messages name the municipality) use `municipal_config()`. Read once per request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.exc import SQLAlchemyError

from booking import settings
from booking.settings.municipality import CONFIG_KEYS
from web.extensions import get_db


class Facts(dict[str, str]):
    """The facts as a mapping that templates also read as attributes (`municipality.phone`)."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    @property
    def privacy_notice_url(self) -> str:
        """The configured privacy notice, or this app's own page."""
        base = str(current_app.config["PUBLIC_BASE_URL"])
        return self.get("privacy_url") or f"{base}/privacy"

    def opening_hours(self, language: str) -> str:
        return self["opening_hours_en"] if language == "en" else self["opening_hours_da"]


def defaults() -> dict[str, str]:
    return settings.defaults_from_config(current_app.config)


def facts() -> Facts:
    """The facts in force; the configured ones when the database cannot be read (an error
    page must still name the phone number)."""
    if "municipality" not in g:
        try:
            with get_db().transaction() as db:
                g.municipality = Facts(settings.municipality_facts(db, defaults()))
        except SQLAlchemyError:
            current_app.logger.warning("municipality facts unreadable; using configuration")
            return Facts(defaults())
    found: Facts = g.municipality
    return found


def forget() -> None:
    """After a change in this request, read the facts again."""
    g.pop("municipality", None)


def municipal_config() -> dict[str, Any]:
    """`app.config` with the facts in force as `MUNICIPALITY_*` (for `booking`'s settings)."""
    current = facts()
    return {
        **current_app.config,
        **{name: current[key] for key, name in CONFIG_KEYS.items()},
    }


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"municipality": facts()})
