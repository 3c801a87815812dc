"""The OpenAPI document each service serves and commits, in a shape partners' tools accept.

Everything is derived from the routes, never listed by hand: one `Problem` schema referenced by
every error response, operationIds named after the route functions, tags with descriptions, a
description on every operation, `servers` (the `/<service>` prefix the platform serves),
`security: []` on the open routes, the bearer token contract, and an example for every request
body and response (a model's own example when it declares one, else one generated from the JSON
schema: deterministic and valid against it).
"""

from __future__ import annotations

import copy
import inspect
import re
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from shared.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE

PROBLEM_REF: dict[str, Any] = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": (
        "An RFC 9457 problem: every error the platform answers, whatever the route. "
        "`errors` names each field and reason; `rule` names the Framework rule that stops it."
    ),
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "What kind of problem this is (stable: branch on it)",
        },
        "title": {"type": "string", "description": "The HTTP status phrase"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong with this request"},
        "instance": {"type": "string", "description": "The path that was requested"},
        "rule": {"type": "string", "description": "The Framework rule (R1-R29) that stops it"},
        "errors": {
            "type": "array",
            "description": "Each field that is wrong and why",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {
                    "field": {"type": "string", "description": "Dotted path of the field"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
KINDS = {
    400: "malformed-body",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    422: "invalid-input",
    503: "unavailable",
}
OPERATIONS_TAG = "operations"
OPERATIONS_TAG_DESCRIPTION = (
    "Health, readiness, metrics and the AsyncAPI document: open, no token, for probes and tools"
)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def camel(name: str) -> str:
    """`decide_proposal` -> `decideProposal`."""
    first, *rest = [part for part in name.split("_") if part]
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def api_routes(router: APIRouter) -> Iterator[APIRoute]:
    """Every route of a router, through the routers included in it."""
    for route in router.routes:
        included = getattr(route, "original_router", None)
        if isinstance(included, APIRouter):
            yield from api_routes(included)
        elif isinstance(route, APIRoute):
            yield route


def _module_of(route: APIRoute) -> str:
    return str(getattr(route.endpoint, "__module__", "") or "")


def name_operations(routes: list[APIRoute]) -> None:
    """operationIds: the camelCase of the route function's name, unique in the service (a name
    two modules share is qualified by its module). Idempotent."""
    by_name: dict[str, list[APIRoute]] = {}
    for route in routes:
        by_name.setdefault(route.name, []).append(route)
    taken: set[str] = set()
    for name, same in by_name.items():
        for route in same:
            module = _module_of(route).rsplit(".", 1)[-1]
            wanted = camel(name if len(same) == 1 else f"{module}_{name}")
            chosen, n = wanted, 1
            while chosen in taken:  # one module declaring a name twice: numbered in route order
                n += 1
                chosen = f"{wanted}{n}"
            taken.add(chosen)
            route.operation_id = route.unique_id = chosen


def tags_of(routes: list[APIRoute], service_title: str) -> list[dict[str, str]]:
    """Each tag the routes use, described by the docstring of the module its routes live in when
    that module serves that tag only; else by what its operations do."""
    routes_of: dict[str, list[APIRoute]] = {}
    tags_in_module: dict[str, set[str]] = {}
    for route in routes:
        for tag in route.tags or []:
            routes_of.setdefault(str(tag), []).append(route)
            tags_in_module.setdefault(_module_of(route), set()).add(str(tag))
    declared = []
    for tag in sorted(routes_of):
        if tag == OPERATIONS_TAG:
            declared.append({"name": tag, "description": OPERATIONS_TAG_DESCRIPTION})
            continue
        modules = sorted({_module_of(route) for route in routes_of[tag]})
        doc = ""
        if len(modules) == 1 and tags_in_module[modules[0]] == {tag}:
            module = sys.modules.get(modules[0])
            doc = inspect.cleandoc(getattr(module, "__doc__", None) or "").split("\n\n")[0]
        if not doc:
            summaries = sorted({route.summary or route.name for route in routes_of[tag]})
            doc = f"{service_title}, {tag}: " + "; ".join(summaries)
        declared.append({"name": tag, "description": " ".join(doc.split())})
    return declared


def describe_operations(routes: list[APIRoute]) -> None:
    """Every operation has a description: its docstring, else its summary."""
    for route in routes:
        if not route.description:
            route.description = inspect.cleandoc(route.endpoint.__doc__ or "") or (
                route.summary or route.name.replace("_", " ").capitalize()
            )


def install(app: FastAPI, *, service: str, security: str) -> None:
    """Make `app.openapi()` serve the finished document: `security` describes the token."""
    routes = list({id(route): route for route in api_routes(app.router)}.values())
    name_operations(routes)
    describe_operations(routes)
    app.openapi_tags = tags_of(routes, app.title)
    # The platform serves each service under /<service> (standalone mounts it there): the app
    # answers there too (and at /, as before), so `servers` is true wherever it runs.
    app.root_path = f"/{service}"
    app.servers = [
        {
            "url": f"/{service}",
            "description": f"The {service} service, where the platform serves it",
        }
    ]
    generated = FastAPI.openapi
    finished: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generated(app)  # FastAPI's, cached until the routes change
        if not finished or finished[0] is not document:
            # A copy: FastAPI's document shares dicts with the routes' `responses`.
            finished[:] = [document, finish(copy.deepcopy(document), security)]
        return finished[1]

    app.openapi = openapi  # type: ignore[method-assign]


def finish(document: dict[str, Any], security: str) -> dict[str, Any]:
    """The post-processing of FastAPI's document (in place)."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    for name, scheme in components.get("securitySchemes", {}).items():
        if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            components["securitySchemes"][name] = {**scheme, "bearerFormat": "JWT"}
            components["securitySchemes"][name]["description"] = security
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            operation.setdefault("security", [])
            _name_inline_responses(operation)
            _exemplify(operation, document, path)
    _drop_unused_schemas(document)
    components["schemas"] = dict(sorted(components["schemas"].items()))
    return document


def _exemplify(operation: dict[str, Any], document: dict[str, Any], path: str) -> None:
    body = operation.get("requestBody", {})
    for media in body.get("content", {}).values():
        _add_example(media, document)
    for status, response in operation.get("responses", {}).items():
        for media_type, media in response.get("content", {}).items():
            if media_type == PROBLEM_MEDIA_TYPE and _is_problem(media.get("schema", {})):
                media["schema"] = dict(PROBLEM_REF)  # a route's own copy, pasted inline
                field = _first_input(operation, document)
                media.setdefault("example", problem_example(int(status), response, path, field))
            else:
                _add_example(media, document)


def _is_problem(schema: dict[str, Any]) -> bool:
    return schema == PROBLEM_REF or {"status", "detail"} <= set(schema.get("properties", {}))


def _name_inline_responses(operation: dict[str, Any]) -> None:
    """An inline response schema is titled after its operation (`ListIssuesResponse`), not
    FastAPI's `Response List Issues Issues Get`: generated clients name their classes so."""
    name = operation["operationId"]
    for response in operation.get("responses", {}).values():
        for media in response.get("content", {}).values():
            schema = media.get("schema", {})
            if str(schema.get("title", "")).startswith("Response "):
                schema["title"] = f"{name[:1].upper()}{name[1:]}Response"


def _add_example(media: dict[str, Any], document: dict[str, Any]) -> None:
    if "example" in media or "examples" in media:
        return
    media.setdefault("schema", {"type": "string"})  # a text body FastAPI leaves undescribed
    media["example"] = example_of(media["schema"], document)


def _first_input(operation: dict[str, Any], document: dict[str, Any]) -> str:
    """The name of the operation's first input (body field, else parameter), for examples."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = _resolve(media.get("schema", {}), document)
        for name in [*schema.get("required", []), *schema.get("properties", {})]:
            return str(name)
    for parameter in operation.get("parameters", []):
        return str(parameter["name"])
    return "body"


def problem_example(
    status: int, response: dict[str, Any], path: str, field: str = "body"
) -> dict[str, Any]:
    example: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + KINDS.get(status, "http-error"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(response.get("description", HTTPStatus(status).description)),
        "instance": path,
    }
    if status == 422:
        example["errors"] = [{"field": field, "reason": "Field required"}]
    return example


def _drop_unused_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    while True:
        text = repr({k: v for k, v in document.items() if k != "components"})
        text += repr({k: v for k, v in document["components"].items() if k != "schemas"})
        text += repr(list(schemas.values()))
        unused = [name for name in schemas if f"'#/components/schemas/{name}'" not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


# --- examples from JSON Schema -------------------------------------------------------------

EXAMPLE_DATE = date(2026, 1, 15)
EXAMPLE_DATETIME = datetime(2026, 1, 15, 9, 30)
EXAMPLE_NAMESPACE = uuid.UUID("6f1c8a52-9d2e-4b0a-8c53-0e5f3c1d2a47")
HINTS = {  # a property name holding one of these words gets this string when it fits the schema
    "organisation": "LLR-ICB",
    "ods": "RT5",
    "nhs_number": "943 476 5919",
    "email": "someone@example.nhs.uk",
    "reason": "Agreed at the MDT meeting",
    "name": "Example name",
}
STRINGS = ["example", "EXAMPLE1", "example-1", "example_1", "x", "1"]


def example_of(schema: dict[str, Any], document: dict[str, Any], name: str = "") -> Any:
    """A value valid against `schema`, the same every time."""
    return _example(schema, document, name, depth=0)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _example(schema: dict[str, Any], document: dict[str, Any], name: str, depth: int) -> Any:
    schema = _resolve(schema, document)
    for key in ("examples",):
        if isinstance(schema.get(key), list) and schema[key]:
            return copy.deepcopy(schema[key][0])
    for key in ("example", "const", "default"):
        if schema.get(key) is not None:
            return copy.deepcopy(schema[key])
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if _resolve(b, document).get("type") != "null"]
            return _example((branches or schema[key])[0], document, name, depth)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, document))
        return _example(merged, document, name, depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    match kind:
        case "object":
            return _object(schema, document, depth)
        case "array":
            item = _example(schema.get("items", {}), document, name, depth + 1)
            return [copy.deepcopy(item) for _ in range(max(1, schema.get("minItems", 1)))]
        case "integer" | "number":
            return _number(schema, kind)
        case "boolean":
            return True
        case "null":
            return None
    return _string(schema, name)


def _object(schema: dict[str, Any], document: dict[str, Any], depth: int) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if depth > 4:  # a recursive schema: only what is required
        properties = {k: v for k, v in properties.items() if k in required}
    value = {
        key: _example(sub, document, key, depth + 1)
        for key, sub in properties.items()
        if depth <= 4 or key in required
    }
    extra = schema.get("additionalProperties")
    if not properties and isinstance(extra, dict) and extra:
        key = _example(schema.get("propertyNames", {}), document, "key", depth + 1)
        value[key if isinstance(key, str) else "key"] = _example(extra, document, "key", depth + 1)
    return value


def _number(schema: dict[str, Any], kind: str) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    value: float = 1 if low is None else low + (1 if "exclusiveMinimum" in schema else 0)
    high = schema.get("maximum")
    if high is not None and value > high:
        value = high
    multiple = schema.get("multipleOf")
    if multiple:
        value = multiple * max(1, round(value / multiple))
    return int(value) if kind == "integer" else float(value)


def _string(schema: dict[str, Any], name: str) -> str:
    match schema.get("format"):
        case "date":
            return EXAMPLE_DATE.isoformat()
        case "date-time":
            return EXAMPLE_DATETIME.isoformat() + "Z"
        case "uuid":
            return str(uuid.uuid5(EXAMPLE_NAMESPACE, name or "id"))
        case "email":
            return HINTS["email"]
        case "uri" | "url":
            return "https://example.nhs.uk/" + (name or "resource")
    candidates = [hint for word, hint in HINTS.items() if word in name.lower()]
    candidates += [name] if name else []
    candidates += STRINGS
    low: int = schema.get("minLength", 0)
    high: int | None = schema.get("maxLength")
    pattern = schema.get("pattern")
    for candidate in candidates:
        value: str = candidate
        if len(value) < low:
            value = value + value[-1] * (low - len(value))
        if high is not None:
            value = value[:high]
        if pattern is None or re.search(pattern, value):
            return value
    return "x" * max(low, 1)
