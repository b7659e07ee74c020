"""The HTTP contract of /api/v1, declared once: pydantic models give validation and OpenAPI.

A view declares its operation with `@operation(...)` (summary, body and query models, success
and error answers, security); `parse_body`/`parse_query` validate the request against the same
models (malformed JSON → 400; a wrong shape → 422 naming the field, in the request's language);
`document()` builds the OpenAPI 3.1 document from the app's routes and these declarations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from flask import Flask
from flask_babel import gettext as _
from pydantic import BaseModel, TypeAdapter, ValidationError
from werkzeug.routing import IntegerConverter, Rule

from web.api.validation import invalid, json_body, request_args
from web.errors import ApiError

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
Security = list[dict[str, list[str]]]

ERROR_TEXTS = {
    400: "Malformed JSON, or not JSON",
    401: "Missing or invalid credentials",
    403: "Not allowed (wrong token or code)",
    404: "Not found",
    405: "Method not allowed on this path; `Allow` lists the methods that are",
    409: "Conflict (slot taken, wrong state)",
    413: "The body is larger than 64 KiB",
    422: "Invalid input; `field` names it",
    429: "Rate limit exceeded (counted per client address, shared by every server); "
    "the message says how long to wait",
    502: "A server behind this one did not answer",
}
RETRY_AFTER = {
    "description": "Seconds until the limit's window ends and the request may be sent again",
    "schema": {"type": "integer", "minimum": 0},
}


@dataclass(frozen=True)
class Operation:
    """What one route accepts and answers; `responses` maps a success status to its body type
    (a pydantic model, a type such as `list[Model]`, or None for no body)."""

    operation_id: str
    summary: str
    responses: Mapping[int, Any]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    security: Security | None = None
    description: str | None = None
    path: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    headers: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    response_headers: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    errors_text: Mapping[int, str] = field(default_factory=dict)
    links: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


def operation(operation_id: str, summary: str, **declared: Any) -> Callable[[F], F]:
    """Declares a view's operation (see `Operation`); `document()` finds it on the view."""
    spec = Operation(operation_id, summary, **declared)

    def declare(view: F) -> F:
        view.__dict__["operation"] = spec  # copied by functools.wraps of outer decorators
        return view

    return declare


# --- Validation: the same models, errors in the API's shape ----------------------------------

# Messages for a rule on one field that the generic messages say badly (keys: field, error type).
FieldMessages = Mapping[tuple[str, str], Any]  # a msgid, or a lazy_gettext string
NO_MESSAGES: FieldMessages = MappingProxyType({})


def parse_body(
    model: type[M], *, optional: bool = False, messages: FieldMessages = NO_MESSAGES
) -> M:
    """The request's JSON body as `model`: not JSON → 400; wrong shape → 422 naming the field."""
    return _validate(model, json_body(optional=optional), messages)


def parse_query(model: type[M], *, messages: FieldMessages = NO_MESSAGES) -> M:
    """The query string as `model` (a parameter given twice is 422)."""
    return _validate(model, request_args(), messages)


def _validate(model: type[M], data: Any, messages: FieldMessages) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, messages) from None


def field_name(loc: tuple[int | str, ...]) -> str:
    """`("citizen", "name")` → `citizen.name`; a list item stops at its index: `consents[0]`."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            return f"{name}[{part}]"
        name = f"{name}.{part}" if name else part
    return name or "body"


def _first_error(exc: ValidationError, messages: FieldMessages) -> ApiError:
    error = exc.errors(include_url=False)[0]
    name = field_name(error["loc"])
    kind = error["type"]
    if kind.endswith("_type") and error.get("input") is None:
        kind = "missing"  # null counts as left out
    rule = re.sub(r"\[\d+\]", "[]", name)
    own = messages.get((rule, kind)) or messages.get((rule, "*"))
    if own is not None:
        return invalid(name, _(own) if isinstance(own, str) else str(own))
    return invalid(name, _generic_message(kind, name))


def _generic_message(kind: str, name: str) -> str:
    if kind == "missing":
        return _("The field '%(field)s' is missing.", field=name)
    if kind in ("string_too_long", "too_long"):
        return _("The field '%(field)s' is too long.", field=name)
    if kind == "invalid_characters":
        return _("The field '%(field)s' has invalid characters.", field=name)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("The field '%(field)s' must be an object.", field=name)
    if kind == "list_type":
        return _("The field '%(field)s' must be a list.", field=name)
    if kind.startswith("date"):
        return _("The field '%(field)s' must be a date like 2030-01-08.", field=name)
    return _("The field '%(field)s' must be text.", field=name)


# --- The document: every /api/v1 route with its declared operation ---------------------------


class _Schemas:
    """components/schemas, filled as the operations name their types."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def of(self, annotation: Any, mode: str, *, inline: bool = False) -> dict[str, Any]:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
        self.components.update(schema.pop("$defs", {}))
        if inline or not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return schema
        self.components[annotation.__name__] = schema
        return {"$ref": REF.format(model=annotation.__name__)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(rule: Rule, spec: Operation, schemas: _Schemas) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug has no public accessor
        base: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            base = {"type": "integer", "minimum": converter.min or 0}
            if converter.max is not None:
                base["maximum"] = converter.max
        declared = dict(spec.path.get(name, {}))
        schema = {**base, **declared.pop("schema", {})}
        params.append({"name": name, "in": "path", "required": True, "schema": schema, **declared})
    if spec.query is not None:
        query = schemas.of(spec.query, "validation", inline=True)
        required = set(query.get("required", []))
        for name, schema in query.get("properties", {}).items():
            described = (
                {"description": schema.pop("description")} if "description" in schema else {}
            )
            schema.pop("title", None)
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": schema}
                | described
            )
    for name, header in spec.headers.items():
        params.append({"name": name, "in": "header", **header})
    return params


def _responses(spec: Operation, schemas: _Schemas) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status, annotation in spec.responses.items():
        answer: dict[str, Any] = {"description": "OK" if status < 300 else "Accepted"}
        if status == 201:
            answer["description"] = "Created"
        if annotation is not None:
            answer = _json(schemas.of(annotation, "serialization"), answer["description"])
        else:
            answer["description"] = "No content"
        if status in spec.response_headers:
            answer["headers"] = spec.response_headers[status]
        if status in spec.links:
            answer["links"] = spec.links[status]
        answers[str(status)] = answer
    for status in sorted({*spec.errors, 405}):
        answer = _json(ERROR_REF, spec.errors_text.get(status, ERROR_TEXTS[status]))
        if status == 429:
            answer["headers"] = {"Retry-After": RETRY_AFTER}
        if status == 405:
            answer["headers"] = {"Allow": {"schema": {"type": "string"}}}
        answers[str(status)] = answer
    return answers


def view_operation(view: Callable[..., Any]) -> Operation | None:
    """The `Operation` declared on a view (through any decorators that wrap it)."""
    current: Any = view
    while current is not None:
        spec = getattr(current, "operation", None)
        if isinstance(spec, Operation):
            return spec
        current = getattr(current, "__wrapped__", None)
    return None


def paths(app: Flask, prefix: str, schemas: _Schemas) -> dict[str, Any]:
    """The `paths` of every route under `prefix` (each must declare its operation)."""
    found: dict[str, Any] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix + "/"):
            continue
        spec = view_operation(app.view_functions[rule.endpoint])
        if spec is None:
            raise LookupError(f"{rule.endpoint} declares no operation")
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.setdefault(path, {})[method.lower()] = _operation_json(rule, spec, schemas)
    return found


def _operation_json(rule: Rule, spec: Operation, schemas: _Schemas) -> dict[str, Any]:
    body: dict[str, Any] = {"operationId": spec.operation_id, "summary": spec.summary}
    if spec.tags:
        body["tags"] = list(spec.tags)
    if spec.description:
        body["description"] = spec.description
    if spec.security is not None:
        body["security"] = spec.security
    params = _parameters(rule, spec, schemas)
    if params:
        body["parameters"] = params
    if spec.body is not None:
        schemas.of(spec.body, "validation")  # named in components too
        schema = schemas.of(spec.body, "validation", inline=True)
        body["requestBody"] = {
            "required": spec.body_required,
            "content": {"application/json": {"schema": schema}},
        }
    body["responses"] = _responses(spec, schemas)
    return body


@functools.cache
def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {
                        "type": "string",
                        "description": "In the language of Accept-Language (da, en; da by default)",
                    },
                    "field": {"type": "string"},
                    "training_id": {"type": "integer"},
                },
            }
        },
    }


def new_schemas() -> _Schemas:
    schemas = _Schemas()
    schemas.components["Error"] = _error_schema()
    return schemas
