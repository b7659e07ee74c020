"""Slots: when a service can be booked, in which meeting mode, and the working time that
decides it.

The pure engine (`engine`: free slots and free caseworkers from working hours, absences and
bookings, no clock and no database), the search that loads schedules from the database
(`search`), the modes a service and a working interval offer (`modes`), and each
caseworker's weekly working hours (`working_hours`) and absences (`absences`). Times are
Europe/Copenhagen on the wall clock, UTC in the database.
"""

from booking.slots.absences import (
    add_absence,
    local_moment,
    meetings_hit_by,
    meetings_hit_by_absences,
    remove_absence,
    upcoming_absences,
)
from booking.slots.engine import (
    COPENHAGEN,
    CaseworkerSchedule,
    Interval,
    ServiceRules,
    Slot,
    check_start,
    free_caseworkers,
    free_slots,
    last_bookable_date,
    local_date,
    local_midnight,
)
from booking.slots.modes import (
    DEFAULT_MODE,
    MODES,
    UNKNOWN_MODE,
    check_mode,
    holds_mode,
    parse_modes,
    service_modes,
)
from booking.slots.search import (
    MAX_SEARCH_DAYS,
    load_schedules,
    schedules_in_window,
    search_slots,
    service_schedule,
)
from booking.slots.working_hours import (
    WEEKDAYS,
    Hours,
    HoursWithModes,
    format_day_hours,
    parse_day_hours,
    parse_day_hours_with_modes,
    set_weekly_hours,
)

__all__ = [
    "COPENHAGEN",
    "DEFAULT_MODE",
    "MODES",
    "UNKNOWN_MODE",
    "MAX_SEARCH_DAYS",
    "WEEKDAYS",
    "CaseworkerSchedule",
    "Hours",
    "HoursWithModes",
    "Interval",
    "ServiceRules",
    "Slot",
    "add_absence",
    "check_mode",
    "check_start",
    "format_day_hours",
    "free_caseworkers",
    "free_slots",
    "holds_mode",
    "last_bookable_date",
    "load_schedules",
    "schedules_in_window",
    "service_schedule",
    "local_date",
    "local_midnight",
    "local_moment",
    "meetings_hit_by",
    "meetings_hit_by_absences",
    "parse_day_hours",
    "parse_day_hours_with_modes",
    "parse_modes",
    "remove_absence",
    "search_slots",
    "service_modes",
    "set_weekly_hours",
    "upcoming_absences",
]
