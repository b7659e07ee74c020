"""The caseworker's own weekly working hours and absences."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from booking import slots as avail
from booking.errors import NotFound, ValidationFailed
from web.caseworker.common import blueprint, caseworker_required, my_caseworker
from web.extensions import get_db, now


def _page(
    *, errors: dict[str, str] | None = None, form: dict[str, str] | None = None, status: int = 200
) -> Any:
    with get_db().transaction() as db:
        caseworker = my_caseworker(db)
        week = {day: avail.format_day_hours(caseworker.working_hours, day) for day in range(7)}
        absences = avail.meetings_hit_by_absences(db, caseworker, now=now())
        for _absence, meetings in absences:
            for meeting in meetings:
                meeting.service  # noqa: B018 - load before the session closes
    if form:
        week.update({int(k[3:]): v for k, v in form.items() if k.startswith("day")})
    page = render_template(
        "caseworker/availability.html",
        week=week,
        weekdays=list(zip(avail.WEEKDAYS_DA, avail.WEEKDAYS_EN, strict=True)),
        absences=absences,
        errors=errors or {},
        form=form or {},
    )
    return page, status


@blueprint.get("/availability")
@caseworker_required
def availability() -> Any:
    return _page()


@blueprint.post("/availability/hours")
@caseworker_required
def save_hours() -> Any:
    form = {f"day{d}": request.form.get(f"day{d}", "")[:200] for d in range(7)}
    errors: dict[str, str] = {}
    week: dict[int, list[avail.Hours]] = {}
    for day in range(7):
        try:
            week[day] = avail.parse_day_hours(form[f"day{day}"], day)
        except ValidationFailed as exc:
            errors[f"day{day}"] = exc.message
    if errors:
        return _page(errors=errors, form=form, status=422)
    with get_db().transaction() as db:
        avail.set_weekly_hours(my_caseworker(db), week)
    flash("Arbejdstiderne er gemt. / Working hours saved.", "success")
    return redirect(url_for("caseworker.availability"))


@blueprint.post("/availability/absences")
@caseworker_required
def add_absence() -> Any:
    form = {
        k: request.form.get(k, "")[:1000]
        for k in ("start_date", "start_time", "end_date", "end_time", "reason")
    }
    try:
        start = avail.local_moment(form["start_date"], form["start_time"] or "00:00", "start_date")
        end = avail.local_moment(form["end_date"], form["end_time"] or "00:00", "end_date")
        if not form["end_time"]:
            end += timedelta(days=1)  # a date without a time: to the end of that day
        with get_db().transaction() as db:
            absence = avail.add_absence(
                db, my_caseworker(db), start=start, end=end, reason=form["reason"], now=now()
            )
            hit = len(avail.meetings_hit_by(db, absence.caseworker_id, start, end))
    except ValidationFailed as exc:
        field = {"end": "end_date", None: "start_date"}.get(exc.field, exc.field or "start_date")
        return _page(errors={field: exc.message}, form=form, status=422)
    flash("Fraværet er gemt. / The absence was saved.", "success")
    if hit:
        flash(
            f"{hit} møde(r) ligger i fraværet og bør flyttes. / "
            f"{hit} meeting(s) fall in the absence and should be moved.",
            "warning",
        )
    return redirect(url_for("caseworker.availability"))


@blueprint.post("/availability/absences/<int:absence_id>/delete")
@caseworker_required
def remove_absence(absence_id: int) -> Response:
    try:
        with get_db().transaction() as db:
            avail.remove_absence(db, my_caseworker(db), absence_id)
    except NotFound:
        abort(404)
    flash("Fraværet er slettet. / The absence was removed.", "success")
    return redirect(url_for("caseworker.availability"))
