"""The bodies of /api/v1/admin as pydantic models (validation and the OpenAPI document).

The shapes and bounds are checked here; the rules of content (phrasings that differ, a
phrasing that belongs to another intent, a step longer than duration plus buffer, …) in
`booking.assistant` and `booking.settings`, which name the field in their 422.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext
from pydantic import AfterValidator, BaseModel, Field, StrictBool, WithJsonSchema

from web.api.schemas import Body, Language, Mode, Purpose, Time, no_nul, text

FAQ_KEY_PATTERN = "^[a-z][a-z0-9_]{1,59}$"
SERVICE_CODE_PATTERN = "^[a-z][a-z0-9_-]{1,39}$"
Phrasings = list[Annotated[str, Field(max_length=300), AfterValidator(no_nul)]]


def ruled(schema: dict[str, Any], *, required: bool = False) -> Any:
    """A member the document declares and `booking.settings` checks (its 422 names the field
    with the rule in words, as on the admin pages): the model passes the value on as sent."""
    member = Annotated[Any, WithJsonSchema(schema)]
    return member if required else Annotated[member, Field(None)]


def _minutes(low: int, high: int, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, **extra}


MODES = {
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": {"enum": ["video", "phone", "in_person"]},
}


# --- The assistant: intents, FAQ questions, history ------------------------------------------


class Examples(Body):
    """At least 3 different phrasings per language; entity annotations in Rasa's syntax
    (`[jobcentret](service)`); none may belong to another intent."""

    da: Phrasings
    en: Phrasings


class Answer(Body):
    """Not empty in either language; may name municipality facts as {municipality_name},
    {municipality_phone}, {municipality_address}, {municipality_opening_hours}."""

    da: text(2000)  # type: ignore[valid-type]
    en: text(2000)  # type: ignore[valid-type]


class ExamplesChange(Body):
    examples: Examples


class AnswerChange(Body):
    answer: Answer


class NewFaq(Body):
    key: text(60, pattern=FAQ_KEY_PATTERN)  # type: ignore[valid-type]
    examples: Examples
    answer: Answer


class ChangesQuery(Body):
    intent: text(100, description="Only this intent's changes (e.g. faq/cost).") | None = None  # type: ignore[valid-type]


class AssistantIntent(BaseModel):
    name: str = Field(examples=["greet", "faq/cost"])
    faq: bool
    key: str | None = Field(None, description="FAQ questions only")
    retired: bool
    examples: dict[Language, list[str]]
    answer: dict[Language, str] | None = Field(None, description="FAQ questions only")


class IntentSnapshot(BaseModel):
    name: str
    retired: bool
    examples: dict[Language, list[str]]
    answer: dict[Language, str] | None = None


class AssistantChange(BaseModel):
    id: int
    at: Time
    intent: str
    action: Literal[
        "import", "faq.create", "examples.update", "answer.update", "faq.retire", "revert"
    ]
    by: str | None = Field(description="The administrator's e-mail")
    reverts: int | None
    before: IntentSnapshot | None
    after: IntentSnapshot | None


# --- Meeting types, consent texts, the municipality's facts ----------------------------------


class ServiceSettings(Body):
    """A meeting type's settings; in a change those left out stay as they are."""

    name_da: text(200, minLength=1) | None = None  # type: ignore[valid-type]
    name_en: text(200, minLength=1) | None = None  # type: ignore[valid-type]
    description_da: text(2000) | None = None  # type: ignore[valid-type]
    description_en: text(2000) | None = None  # type: ignore[valid-type]
    duration_minutes: ruled(_minutes(5, 480))  # type: ignore[valid-type]
    buffer_minutes: ruled(_minutes(0, 240))  # type: ignore[valid-type]
    slot_step_minutes: ruled(  # type: ignore[valid-type]
        _minutes(5, 480, description="Not longer than the duration plus the buffer.")
    )
    min_notice_minutes: ruled(_minutes(0, 43200))  # type: ignore[valid-type]
    horizon_days: ruled(_minutes(1, 365))  # type: ignore[valid-type]
    retention_days: ruled(_minutes(1, 3650))  # type: ignore[valid-type]
    reminder_offsets_minutes: ruled(  # type: ignore[valid-type]
        {"type": "array", "maxItems": 5, "uniqueItems": True, "items": _minutes(1, 20160)}
    )
    modes: ruled(MODES)  # type: ignore[valid-type]
    address_da: text(500, description="Required when `in_person` is offered.") | None = None  # type: ignore[valid-type]
    address_en: text(500, description="Required when `in_person` is offered.") | None = None  # type: ignore[valid-type]
    directions_da: text(2000) | None = None  # type: ignore[valid-type]
    directions_en: text(2000) | None = None  # type: ignore[valid-type]
    active: StrictBool | None = None


class NewService(ServiceSettings):
    code: text(40, pattern=SERVICE_CODE_PATTERN)  # type: ignore[valid-type]
    name_da: text(200, minLength=1)  # type: ignore[valid-type]
    name_en: text(200, minLength=1)  # type: ignore[valid-type]
    duration_minutes: ruled(_minutes(5, 480), required=True)  # type: ignore[valid-type]
    modes: ruled(MODES, required=True)  # type: ignore[valid-type]


class AdminService(BaseModel):
    code: str
    name_da: str
    name_en: str
    description_da: str | None
    description_en: str | None
    duration_minutes: int
    buffer_minutes: int
    slot_step_minutes: int
    min_notice_minutes: int
    horizon_days: int
    retention_days: int
    reminder_offsets_minutes: list[int]
    modes: list[Mode]
    address_da: str | None
    address_en: str | None
    directions_da: str | None
    directions_en: str | None
    active: bool


class AdminServiceChange(BaseModel):
    id: int
    at: Time
    action: Literal["service.create", "service.update"]
    by: str | None = Field(description="The administrator's e-mail")
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class NewConsentText(Body):
    purpose: Purpose
    language: Language
    text: text(5000, minLength=1)  # type: ignore[valid-type]


CONSENT_TEXT_MESSAGES = {
    ("purpose", "literal_error"): lazy_gettext("Choose one of the purposes."),
    ("language", "literal_error"): lazy_gettext("Language must be 'da' or 'en'."),
}


class AdminConsentText(BaseModel):
    purpose: Purpose
    language: Language
    version: int
    text: str
    active: bool = Field(description="The version in force")
    created_at: Time


class FactsChange(Body):
    """The municipality's facts; those left out stay as they are."""

    name: text(300, minLength=1) | None = None  # type: ignore[valid-type]
    phone: text(40) | None = None  # type: ignore[valid-type]
    email: text(320, format="email") | None = None  # type: ignore[valid-type]
    address: text(300, minLength=1) | None = None  # type: ignore[valid-type]
    opening_hours_da: text(300, minLength=1) | None = None  # type: ignore[valid-type]
    opening_hours_en: text(300, minLength=1) | None = None  # type: ignore[valid-type]
    privacy_url: (
        text(  # type: ignore[valid-type]
            500, description="http(s) address of the privacy notice; empty: this site's /privacy"
        )
        | None
    ) = None


class Facts(BaseModel):
    name: str
    phone: str
    email: str
    address: str
    opening_hours_da: str
    opening_hours_en: str
    privacy_url: str


# --- Trainings, publications, trying a model, test phrasings ---------------------------------

TrainingStatus = Literal["queued", "running", "succeeded", "failed"]


class TrainingQueued(BaseModel):
    id: int
    status: Literal["queued"]


class AssistantTraining(BaseModel):
    id: int
    status: TrainingStatus
    progress: float = Field(ge=0, le=1)
    phase: str | None
    requested_by: str | None
    requested_at: Time
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    model_file: str | None
    data_file: str | None = Field(description="the training data snapshot")
    failure_reason: str | None
    log_tail: str | None = Field(None, description="A single training only")
    evaluation: dict[str, Any] | None


class TrainingEvaluation(BaseModel):
    """Both models' macro-F1, per-intent F1 and top confusions (null until evaluated)."""

    id: int
    status: TrainingStatus
    tolerance: float
    evaluation: dict[str, Any] | None


class PublishRequest(Body):
    override: StrictBool | None = None
    reason: text(1000) | None = None  # type: ignore[valid-type]


class AssistantPublication(BaseModel):
    id: int
    at: Time
    action: Literal["publish", "restore"]
    training_id: int | None = Field(description="null: the shipped model")
    model_file: str
    by: str | None
    override: bool
    reason: str | None


class RasaServer(BaseModel):
    url: str
    model_file: str | None = Field(description="null: the server did not answer")


class PublishedModel(BaseModel):
    model_file: str
    training_id: int | None
    servers: list[RasaServer]
    history: list[AssistantPublication]


class Phrase(Body):
    text: text(300)  # type: ignore[valid-type]


class Understanding(BaseModel):
    intent: str | None = None
    confidence: float | None = None
    faq: str | None = None
    runner_ups: list[Any] | None = None
    answer: str | None = None
    error: str | None = None


class TryStatus(Understanding):
    id: str
    status: Literal["running", "done"]


class NewTestPhrasing(Body):
    intent: text(100)  # type: ignore[valid-type]
    text: text(300)  # type: ignore[valid-type]


class TestPhrasing(BaseModel):
    id: int
    intent: str
    text: str
    at: Time
