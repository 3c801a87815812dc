"""The governance API's document: every route says what it does, who may call it, its problems."""

from __future__ import annotations

from typing import Any

from services.governance.main import create_app
from services.governance.settings import Settings

OPERATIONS = {"/health", "/ready", "/metrics", "/asyncapi.json"}


def given_document() -> dict[str, Any]:
    return create_app(Settings()).openapi()


def test_every_governance_route_has_a_summary_its_roles_and_its_problem_responses() -> None:
    paths = given_document()["paths"]
    routes = [(p, m, op) for p, ops in paths.items() for m, op in ops.items()]
    assert len(routes) > 25
    for path, method, operation in routes:
        assert operation.get("summary"), f"{method} {path} has no summary"
        if path not in OPERATIONS:
            assert operation.get("x-roles"), f"{method} {path} declares no roles"
            assert {"401", "403", "422"} <= operation["responses"].keys(), f"{method} {path}"


def test_r27_r22_r28_the_board_runs_the_board_and_the_csu_runs_disputes() -> None:
    paths = given_document()["paths"]
    assert paths["/board/members"]["post"]["x-roles"] == ["ipcb_member"]
    assert paths["/board/rulings"]["post"]["x-roles"] == ["ipcb_member"]
    assert paths["/disputes/{case_id}/resolution"]["post"]["x-roles"] == ["csu_officer"]
    assert paths["/equality/reports"]["post"]["x-roles"] == ["ipcb_member"]
    assert "mdt_member" in paths["/shared-care/case-examples"]["get"]["x-roles"]
    assert "auditor" in paths["/shared-care/case-examples"]["get"]["x-roles"]
