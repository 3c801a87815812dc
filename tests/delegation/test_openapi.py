"""The delegation API's document: every route says what it does, who may call it, its problems."""

from __future__ import annotations

from typing import Any

from services.delegation.main import create_app
from services.delegation.settings import Settings

OPERATIONS = {"/health", "/ready", "/metrics", "/asyncapi.json"}


def given_document() -> dict[str, Any]:
    document: dict[str, Any] = create_app(Settings()).openapi()
    return document


def test_every_delegation_route_has_a_summary_its_roles_and_its_problem_responses() -> None:
    paths = given_document()["paths"]
    routes = [(p, m, op) for p, ops in paths.items() for m, op in ops.items()]
    assert len(routes) >= 14
    for path, method, operation in routes:
        assert operation.get("summary"), f"{method} {path} has no summary"
        if path not in OPERATIONS:
            assert operation.get("x-roles"), f"{method} {path} declares no roles"
            assert {"401", "403", "422"} <= operation["responses"].keys(), f"{method} {path}"


def test_r9_r13_r15_who_proposes_decides_and_accepts() -> None:
    paths = given_document()["paths"]
    assert paths["/proposals"]["post"]["x-roles"] == ["registered_practitioner"]
    assert paths["/proposals/{proposal_id}/decision"]["post"]["x-roles"] == ["mdt_member"]
    acceptance = paths["/delegations/{delegation_id}/acceptance"]["post"]
    assert acceptance["x-roles"] == ["provider_manager"]
    readers = paths["/delegations/{delegation_id}"]["get"]["x-roles"]
    assert {"commissioner", "provider_manager"} <= set(readers)


def test_a_persons_records_are_not_for_the_report_roles() -> None:
    """Auditors read the audit trail, IPCB members pseudonymous reports: never a person's
    delegation, proposal, handback or reviews."""
    paths = given_document()["paths"]
    for path in (
        "/delegations",
        "/delegations/{delegation_id}",
        "/delegations/{delegation_id}/reviews",
        "/proposals/{proposal_id}",
        "/handbacks",
        "/handbacks/{handback_id}",
        "/reviews/overdue",
    ):
        roles = set(paths[path]["get"]["x-roles"])
        assert not roles & {"auditor", "ipcb_member"}, path
