"""The authorisation matrix, generated from each service's OpenAPI (`x-roles`) on real PostgreSQL.

Every operation that takes a token is called by every role from every kind of organisation:
- from an organisation that is not in the partner register: 403 whatever the role (R2);
- by a role the operation does not admit, from a partner: 403;
- by a role it admits, from a partner fitting the role: never 401 or 403 at the gate (the request
  is dummy, so what follows is a 404 or a 422, or the answer itself).
Whose records an admitted caller then sees (own organisation, related, unrelated) is the
relationship model's: tests/security/test_relationships_matrix.py walks those cells.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient

from services.registry import SERVICES
from shared.auth import Role
from tests.conftest import ServiceClient, bearer

NON_PARTNER = "NOT-A-PARTNER-ORG"
# A partner organisation that fits each role (tests/organisations.csv).
FITTING = {
    Role.REGISTERED_PRACTITIONER: "LPT",
    Role.MDT_MEMBER: "LPT",
    Role.PROVIDER_MANAGER: "CAREWELL-HOMECARE",
    Role.CARE_WORKER: "CAREWELL-HOMECARE",
    Role.COMMISSIONER: "LLR-ICB",
    Role.FINANCE_OFFICER: "LLR-ICB",
    Role.CSU_OFFICER: "MLCSU",
    Role.IPCB_MEMBER: "LLR-ICB",
    Role.AUDITOR: "LLR-ICB",
    Role.SERVICE: "LLR-ICB",
}
DUMMY = {"uuid": str(uuid.UUID(int=1)), "date": "2026-01-01", "date-time": "2026-01-01T00:00:00Z"}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    roles: frozenset[Role]
    query: dict[str, str]
    has_body: bool

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _dummy(schema: dict[str, Any]) -> str:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "null":
            continue
        if "enum" in option:
            return str(option["enum"][0])
        if option.get("format") in DUMMY:
            return DUMMY[option["format"]]
        if option.get("type") == "integer":
            return str(max(1, option.get("minimum", 1)))
        if option.get("type") == "string" and option.get("pattern"):
            return "LLR-ICB"  # the only patterned strings in paths are organisation codes
    return "x"


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if "x-roles" not in operation:
                continue  # open operational routes (security: [])
            path, query = template, {}
            for parameter in operation.get("parameters", []):
                value = _dummy(parameter.get("schema", {}))
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", value)
                elif parameter["in"] == "query" and parameter.get("required"):
                    query[parameter["name"]] = value
            roles = frozenset(Role(r) for r in operation["x-roles"])
            found.append(Operation(method, path, roles, query, "requestBody" in operation))
    return found


async def call(client: AsyncClient, operation: Operation, role: Role, organisation: str) -> int:
    response = await client.request(
        operation.method,
        operation.path,
        params=operation.query,
        json={} if operation.has_body else None,
        headers=bearer(role, organisation),
    )
    return response.status_code


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
async def test_every_operation_every_role_every_kind_of_organisation(
    service_client: ServiceClient, service: Any
) -> None:
    denied_wrongly: list[str] = []
    allowed_wrongly: list[str] = []
    cells = 0
    async with service_client(service.spec) as (client, _runtime):
        document = (await client.get("/openapi.json")).json()
        found = operations(document)
        assert len(found) > 5, "the document lists the service's operations"
        for operation in found:
            for role in Role:
                cells += 2
                if await call(client, operation, role, NON_PARTNER) != 403:
                    allowed_wrongly.append(f"{operation.label} as {role} of a non-partner")
                status = await call(client, operation, role, FITTING[role])
                if role not in operation.roles and status != 403:
                    allowed_wrongly.append(f"{operation.label} as {role}: {status}")
                if role in operation.roles and status in (401, 403):
                    denied_wrongly.append(f"{operation.label} as {role}: {status}")
    print(f"{service.name}: {cells} cells over {len(found)} operations")
    assert allowed_wrongly == []
    assert denied_wrongly == []
