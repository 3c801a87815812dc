"""The OpenAPI documents partners' tools accept (issue 17), derived from the routes, never listed.

One Problem schema behind every error; operationIds named after the route functions; an example,
valid against its schema, for every body; servers; open routes marked open; tags and descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from jsonschema_rs import Draft202012Validator
from sqlalchemy import MetaData

from services import cli
from shared import fhir, openapi
from shared.auth import Role, admits
from shared.problems import PROBLEM_MEDIA_TYPE
from shared.service import Runtime, ServiceSpec
from shared.settings import Environment, ServiceSettings
from shared.web import create_app

Document = dict[str, Any]
DOCUMENTS: dict[str, Document] = {k: dict(v) for k, v in cli.openapi_documents().items()}
SERVICES = sorted(DOCUMENTS)
METHODS = {"get", "put", "post", "delete", "patch"}
OUTCOME = {
    "schema": {"$ref": "#/components/schemas/OperationOutcome"},
    "example": {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "severity", "code": "code", "diagnostics": "diagnostics"}],
    },
}


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def media_of(operation: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        yield "request", media_type, media
    for status, response in operation["responses"].items():
        for media_type, media in response.get("content", {}).items():
            yield status, media_type, media


def validator_for(schema: dict[str, Any], document: Document) -> Draft202012Validator:
    """The media's schema, with the document's components beside it so `#/components/...`
    resolves, as JSON Schema 2020-12 (OpenAPI 3.1's dialect), formats checked."""
    rooted = {**schema, "components": document["components"]}
    return Draft202012Validator(rooted, validate_formats=True)


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_response_references_the_one_problem_schema(service: str) -> None:
    document = DOCUMENTS[service]
    errors = 0
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            errors += 1
            if path.startswith(fhir.BASE):  # FHIR clients read an OperationOutcome instead
                assert response["content"] == {fhir.MEDIA_TYPE: OUTCOME}, f"{method} {path}"
                continue
            assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], f"{method} {path} {status}"
            schema = response["content"][PROBLEM_MEDIA_TYPE]["schema"]
            assert schema == openapi.PROBLEM_REF, f"{method} {path} {status}"
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "rule", "errors"} <= set(
        problem["properties"]
    )
    assert problem["properties"]["errors"]["items"]["required"] == ["field", "reason"]
    assert errors > 20
    assert not list(inline_problems(document["paths"])), "a problem schema pasted inline"


def inline_problems(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        if {"status", "detail"} <= set(node.get("properties", {})):
            yield node
        for value in node.values():
            yield from inline_problems(value)
    elif isinstance(node, list):
        for value in node:
            yield from inline_problems(value)


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_the_route_functions_in_camel_case_and_unique(service: str) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(DOCUMENTS[service])]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9]*", i) for i in ids), ids
    app = cli.SERVICES[service][0].create_app()
    names = {openapi.camel(route.name) for route in openapi.api_routes(app.router)}
    assert set(ids) == names


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_and_response_has_an_example_valid_against_its_schema(
    service: str,
) -> None:
    document = DOCUMENTS[service]
    checked = 0
    for path, method, operation in operations(document):
        for where, media_type, media in media_of(operation):
            assert "example" in media, f"{method} {path} {where} {media_type} has no example"
            validator = validator_for(media["schema"], document)
            problems = [e.message for e in validator.iter_errors(media["example"])]
            assert not problems, f"{method} {path} {where}: {problems}"
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("service", SERVICES)
def test_servers_security_tags_and_descriptions_are_declared(service: str) -> None:
    document = DOCUMENTS[service]
    assert [server["url"] for server in document["servers"]] == [f"/{service}"]
    declared = {tag["name"]: tag["description"] for tag in document["tags"]}
    used: set[str] = set()
    for path, method, operation in operations(document):
        used.update(operation["tags"])
        assert operation["description"].strip(), f"{method} {path} has no description"
        expected: list[dict[str, list[str]]] = (
            [{"bearerJWT": []}] if operation.get("x-roles") else []
        )
        assert operation["security"] == expected, f"{method} {path}"
    assert used == set(declared)
    assert all(description.strip() for description in declared.values())


@pytest.mark.parametrize("service", SERVICES)
def test_the_security_scheme_states_the_token_contract(service: str) -> None:
    scheme = DOCUMENTS[service]["components"]["securitySchemes"]["bearerJWT"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for claim in ("`iss`", "`aud`", "`exp`", "`iat`", "`sub`", "`org`", "`role`", "RS256"):
        assert claim in scheme["description"]
    assert all(role.value in scheme["description"] for role in Role)


def test_a_new_route_module_is_documented_with_nothing_listed_by_hand() -> None:
    """What a service engineer adds or renames needs nothing from the OpenAPI code."""
    reviews = APIRouter(tags=["reviews"])

    @reviews.post("/reviews/{review_id}/close", status_code=201, summary="Close a review")
    async def close_review(
        review_id: int, body: dict[str, int], user: Any = admits(Role.MDT_MEMBER)
    ) -> dict[str, str]:
        """Closes it."""
        return {}

    pasted = {"type": "object", "properties": {"status": {}, "detail": {}, "title": {}}}
    own = {"description": "Gone", "content": {PROBLEM_MEDIA_TYPE: {"schema": pasted}}}

    @reviews.get("/reviews", summary="Reviews", responses={410: own})
    async def listing(user: Any = admits(Role.AUDITOR)) -> list[dict[str, str]]:
        return []

    other = APIRouter(tags=["audit"])

    @other.get("/audit-entries", summary="Audit entries")
    async def listing_(user: Any = admits(Role.AUDITOR)) -> list[dict[str, str]]:
        return []

    listing_.__module__ = "services.example.api.audit"  # the same function name, another module
    other.routes[-1].name = "listing"  # type: ignore[attr-defined]
    root = APIRouter()
    root.include_router(reviews)
    root.include_router(other)
    spec = ServiceSpec(
        "example", "Example service", "For the test.", root, MetaData(), {}, Path(".")
    )
    settings = ServiceSettings(environment=Environment.TEST, database_url="sqlite+aiosqlite://")
    document = create_app(Runtime(spec, settings)).openapi()
    again = create_app(Runtime(spec, settings)).openapi()  # the same router serves two apps

    assert document == again
    ids = {(path, method): op["operationId"] for path, method, op in operations(document)}
    module = __name__.rsplit(".", 1)[-1]
    assert ids[("/reviews/{review_id}/close", "post")] == "closeReview"
    assert ids[("/reviews", "get")] == openapi.camel(f"{module}_listing")
    assert ids[("/audit-entries", "get")] == "auditListing"
    close = document["paths"]["/reviews/{review_id}/close"]["post"]
    assert set(close["responses"]) >= {"400", "401", "403", "404", "409", "422", "503"}
    assert close["requestBody"]["content"]["application/json"]["example"] == {"key": 1}
    assert {tag["name"] for tag in document["tags"]} == {"audit", "caller", "operations", "reviews"}
    assert document["servers"][0]["url"] == "/example"
    assert isinstance(next(iter(openapi.api_routes(root))), APIRoute)
    gone = document["paths"]["/reviews"]["get"]["responses"]["410"]["content"]
    assert gone[PROBLEM_MEDIA_TYPE]["schema"] == openapi.PROBLEM_REF  # a pasted copy, replaced


@pytest.mark.parametrize(
    ("schema", "valid"),
    [
        ({"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 3}, "exa"),
        ({"type": "string", "pattern": "^[A-Za-z0-9-]+$", "minLength": 9}, "exampleee"),
        ({"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 5}]}, 5),
        ({"type": "number", "exclusiveMinimum": 0, "maximum": 1}, 1.0),
        ({"type": "array", "items": {"type": "boolean"}, "minItems": 2}, [True, True]),
        ({"type": "string", "format": "date"}, "2026-01-15"),
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"type": "string", "examples": ["943 476 5919"]}, "943 476 5919"),
    ],
)
def test_generated_examples_keep_to_patterns_lengths_bounds_and_declared_examples(
    schema: dict[str, Any], valid: Any
) -> None:
    document: Document = {"components": {"schemas": {}}}
    value = openapi.example_of(schema, document)
    assert value == valid
    assert not list(validator_for(schema, document).iter_errors(value))
