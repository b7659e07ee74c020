"""The municipality's settings administrators change: the meeting types (services) with their
rules, the municipality's facts, and new versions of the consent texts; each change is
recorded in the audit log with who, when, before and after.

Imports neither Flask nor Rasa; the web layer's forms and the admin API call the same use cases.
"""

from booking.settings.consent_texts import (
    consent_history,
    consent_versions,
    publish_consent_text,
)
from booking.settings.municipality import (
    FACT_KEYS,
    defaults_from_config,
    municipality_facts,
    municipality_history,
    update_municipality,
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
    "FACT_KEYS",
    "defaults_from_config",
    "municipality_facts",
    "municipality_history",
    "update_municipality",
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
