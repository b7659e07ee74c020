"""The caseworker workspace under /caseworker: today, calendar, meetings, availability, feed."""

from __future__ import annotations

from flask import Flask

from web.caseworker import actions, availability, meetings, schedule, subscription
from web.caseworker.common import blueprint, localday, localtime

__all__ = [
    "actions",
    "availability",
    "blueprint",
    "init_app",
    "meetings",
    "schedule",
    "subscription",
]


def init_app(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localday, "localday")
    app.register_blueprint(blueprint, url_prefix="/caseworker")
