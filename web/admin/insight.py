"""The admin insight page: bookings per service per week with their no-show and cancellation
rates, and the phrases the assistant understood badly, each addable as an example of an intent.

The figures come from `booking.insight`; the charts are drawn by the reusable `chart` macro
(web/templates/_charts.html) with a table beside each.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import format_percent, gettext, lazy_gettext

from booking import assistant, insight
from booking.i18n import LANGUAGES
from booking.models import Service
from web.admin import blueprint
from web.admin.routes import admin_only
from web.assistant import ensure_imported, held_out
from web.auth.guards import current_user
from web.extensions import get_db, get_phrase_reader, now
from web.i18n import error_text, localized
from web.staff import form_post

WEEKS = 8
PHRASE_DAYS = 30


def _week_label(figures: insight.WeekFigures) -> str:
    return gettext("Week %(number)s", number=figures.week_start.isocalendar().week)


def _booking_charts(figures: list[insight.WeekFigures], names: dict[str, str]) -> dict[str, Any]:
    """Labels, datasets and table rows for the bookings chart and the rates chart."""
    codes = sorted({f.service_code for f in figures}, key=lambda code: names.get(code, code))
    weeks = sorted({f.week_start for f in figures})
    by_key = {(f.service_code, f.week_start): f for f in figures}
    labels = [_week_label(by_key[(codes[0], week)]) for week in weeks] if codes else []
    counts = [
        {"label": names.get(code, code), "data": [by_key[(code, w)].total for w in weeks]}
        for code in codes
    ]
    rows = [
        [
            names.get(code, code),
            _week_label(by_key[(code, week)]),
            by_key[(code, week)].total,
            format_percent(by_key[(code, week)].cancellation_rate),
            format_percent(by_key[(code, week)].no_show_rate),
        ]
        for code in codes
        for week in weeks
    ]
    totals = sorted(
        insight.totals_by_service(figures), key=lambda t: names.get(t.service_code, t.service_code)
    )
    rates = [
        {
            "label": str(gettext("Cancelled")),
            "data": [round(t.cancellation_rate * 100, 1) for t in totals],
        },
        {
            "label": str(gettext("No-show")),
            "data": [round(t.no_show_rate * 100, 1) for t in totals],
        },
    ]
    rate_rows = [
        [
            names.get(t.service_code, t.service_code),
            t.total,
            format_percent(t.cancellation_rate),
            format_percent(t.no_show_rate),
        ]
        for t in totals
    ]
    return {
        "week_labels": labels,
        "week_datasets": counts,
        "week_rows": rows,
        "rate_labels": [names.get(t.service_code, t.service_code) for t in totals],
        "rate_datasets": rates,
        "rate_rows": rate_rows,
    }


def _page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    reader = get_phrase_reader()
    fallback, unsure = reader.frequent(now=now(), days=PHRASE_DAYS) if reader else ([], [])
    with get_db().transaction() as db:
        ensure_imported(db)
        names = {service.code: localized(service, "name") for service in db.query(Service)}
        figures = insight.weekly_figures(db, now=now(), weeks=WEEKS)
        intents = [i.name for i in assistant.list_intents(db, include_retired=False)]
    page = render_template(
        "admin/insight.html",
        weeks=WEEKS,
        phrase_days=PHRASE_DAYS,
        fallback=fallback,
        unsure=unsure,
        intents=intents,
        languages=LANGUAGES,
        errors=errors or {},
        **_booking_charts(figures, names),
    )
    return page, status


@blueprint.get("/insight")
@admin_only
def insight_page() -> Any:
    return _page()


def _back(**_: Any) -> str:
    return url_for("admin.insight_page")


@blueprint.post("/insight/examples")
@admin_only
@form_post(
    lazy_gettext(
        "The phrase was added as an example. The assistant learns it at the next training."
    ),
    then=_back,
    refused=lambda exc: _page(errors={"form": error_text(exc)}, status=422),
)
def insight_add_example() -> None:
    user = current_user()
    assert user is not None
    with get_db().transaction() as db:
        ensure_imported(db)
        insight.add_phrase_as_example(
            db,
            request.form.get("intent", ""),
            request.form.get("language", ""),
            request.form.get("text", ""),
            user_id=user.id,
            now=now(),
            held_out=held_out(db),
        )
