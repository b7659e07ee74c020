"""The admin API's part of the OpenAPI document: its tags, path parameters,
and `admin_operation`, which every admin view declares (key required; 401 without one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from web.admin_api.schemas import FAQ_KEY_PATTERN, SERVICE_CODE_PATTERN
from web.api.contract import operation

F = TypeVar("F", bound=Callable[..., Any])

ASSISTANT = ("Admin: assistant",)
TRAININGS = ("Admin: assistant trainings",)
SETTINGS = ("Admin: meeting types",)
FAQ_KEY = {
    "schema": {"pattern": FAQ_KEY_PATTERN},
    "description": "The FAQ question's key: `cost` for the retrieval intent `faq/cost`.",
}
INTENT_NAME = {
    "schema": {"maxLength": 100},
    "description": "An intent that is not an FAQ question (`greet`, `book_meeting`, …).",
}
SERVICE_CODE = {
    "schema": {"pattern": SERVICE_CODE_PATTERN},
    "description": "The meeting type's code (`jobcenter`).",
}
ADMIN_ERRORS = {
    401: "Missing, unknown or revoked API key",
    404: "No such intent, question, change, meeting type, training, model, try or phrasing",
    409: "Retired, not revertible, or a training is active",
    422: "Invalid input; `field` names it (`key`, `examples.da`, `answer.en`, `modes`, …)",
}


def admin_operation(
    operation_id: str,
    summary: str,
    *,
    errors: tuple[int, ...] = (),
    errors_text: dict[int, str] | None = None,
    **declared: Any,
) -> Callable[[F], F]:
    """`web.api.contract.operation` for the admin API: an administrator's key, 401 without."""
    return operation(
        operation_id,
        summary,
        errors=tuple(sorted({*errors, 401})),
        errors_text={**ADMIN_ERRORS, **(errors_text or {})},
        security=[{"adminApiKey": []}],
        **declared,
    )
