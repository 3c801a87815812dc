"""The documents partners work from: OpenAPI per service and AsyncAPI, committed and current."""

from __future__ import annotations

import json

import pytest

from services import cli
from shared.events import contracts
from shared.testing.plugin import repo_root

DOCS = repo_root() / "docs"
DOCUMENTS = cli.openapi_documents()
OPERATIONS = {"/health", "/ready", "/metrics", "/asyncapi.json"}


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_the_committed_openapi_document_is_what_the_service_serves(service: str) -> None:
    committed = json.loads((DOCS / "openapi" / f"{service}.json").read_text())
    assert committed == DOCUMENTS[service], "an unplanned API change: run `make contracts`"


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_every_route_has_a_summary_its_roles_and_its_problem_responses(service: str) -> None:
    for path, operations in DOCUMENTS[service]["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            if path in OPERATIONS:
                continue
            assert operation.get("x-roles"), f"{method} {path} declares no roles"
            assert {"401", "403", "422"} <= operation["responses"].keys(), f"{method} {path}"


def test_the_committed_asyncapi_document_is_what_the_contracts_generate() -> None:
    committed = json.loads((DOCS / "asyncapi.json").read_text())
    assert committed == json.loads(json.dumps(contracts.asyncapi()))
