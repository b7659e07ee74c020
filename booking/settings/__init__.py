"""The municipality's settings administrators change: the meeting types (services) with their
rules, and new versions of the consent texts; each change is recorded in the audit log with
who, when, before and after.

Imports neither Flask nor Rasa; the web layer's forms and the admin API call the same use cases.
"""

from booking.settings.consent_texts import (
    consent_history,
    consent_versions,
    publish_consent_text,
)
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
    "consent_history",
    "consent_versions",
    "publish_consent_text",
    "changed_settings",
    "SERVICE_FIELDS",
    "create_service",
    "get_service",
    "service_history",
    "service_values",
    "update_service",
]
