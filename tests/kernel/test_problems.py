"""Bad input and failures become RFC 9457 problems that name the field and the reason."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.problems import install_problem_handlers
from tests.conftest import ServiceClient, bearer, given_client


async def test_an_invalid_body_gets_a_problem_naming_each_field_and_reason(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.post(
            "/framework-versions",
            json={"version": "two", "effective_from": "not a date"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        versions = (await client.get("/framework-versions", headers=bearer(Role.AUDITOR))).json()
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/invalid-input")
    fields = {e["field"]: e["reason"] for e in problem["errors"]}
    assert set(fields) == {"version", "effective_from", "summary"}
    assert "integer" in fields["version"]
    assert [v["version"] for v in versions["items"]] == [1]  # nothing half-written


async def test_an_unhandled_error_gives_a_500_problem_without_internals() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgresql://user:pw@db")

    app.include_router(router)
    async with given_client(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json()["detail"] == "an unexpected error occurred"
    assert "postgresql" not in response.text


async def test_a_body_that_is_not_json_gets_a_400_problem_and_the_route_documents_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.post(
            "/framework-versions",
            content=b'{"version": 2, "effective_from": ',
            headers={**bearer(Role.IPCB_MEMBER), "Content-Type": "application/json"},
        )
        document = (await client.get("/openapi.json")).json()
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/malformed-body")
    assert "not well-formed JSON" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["body"]  # not a byte offset as a field
    documented = document["paths"]["/framework-versions"]["post"]["responses"]
    assert documented["400"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert documented["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
