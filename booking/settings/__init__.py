"""The municipality's settings administrators change: the meeting types (services) with their
rules, each change recorded with who, when, before and after in the audit log.

Imports neither Flask nor Rasa; the web layer's forms and the admin API call the same use cases.
"""

from booking.settings.services import (
    SERVICE_FIELDS,
    changed_settings,
    create_service,
    get_service,
    service_history,
    service_values,
    update_service,
)

__all__ = [
    "changed_settings",
    "SERVICE_FIELDS",
    "create_service",
    "get_service",
    "service_history",
    "service_values",
    "update_service",
]
