"""Jinja filters every page may use: times shown in Copenhagen time."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from booking.slots import COPENHAGEN

WEEKDAYS = (
    "mandag / Monday",
    "tirsdag / Tuesday",
    "onsdag / Wednesday",
    "torsdag / Thursday",
    "fredag / Friday",
    "lørdag / Saturday",
    "søndag / Sunday",
)


def localtime(moment: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """Jinja filter: an aware datetime shown in Copenhagen time."""
    if moment is None:
        return ""
    return moment.astimezone(COPENHAGEN).strftime(fmt)


def localday(moment: datetime) -> str:
    """Jinja filter: "onsdag / Wednesday 25-11-2026" in Copenhagen time (no locale needed)."""
    local = moment.astimezone(COPENHAGEN)
    return f"{WEEKDAYS[local.weekday()]} {local:%d-%m-%Y}"


def init_app(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localday, "localday")
