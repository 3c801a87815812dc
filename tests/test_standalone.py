"""Standalone mode: one process, SQLite files, events carried in-process."""

from __future__ import annotations

from pathlib import Path

import httpx

from shared.auth import Role, dev_private_key, mint_token
from shared.settings import ServiceSettings
from shared.testing.plugin import eventually

SERVICES = ["assessment", "delegation", "training", "funding", "governance"]


def test_standalone_serves_the_docs_of_all_five_services(standalone: tuple[str, Path]) -> None:
    base, data = standalone
    # A service's first OpenAPI document is built on request: seconds on a busy machine.
    with httpx.Client(base_url=base, timeout=60) as client:
        for service in SERVICES:
            document = client.get(f"/{service}/openapi.json").json()
            assert document["info"]["title"].lower().startswith(service)
            assert client.get(f"/{service}/docs").status_code == 200
            assert client.get(f"/{service}/ready").status_code == 200
    assert sorted(p.stem for p in data.glob("*.db")) == sorted(SERVICES)


async def test_standalone_carries_an_event_from_governance_to_delegation(
    standalone: tuple[str, Path],
) -> None:
    base, data = standalone
    key = dev_private_key(data / "dev-signing-key.pem")

    def auth(role: Role) -> dict[str, str]:
        token = mint_token(key, ServiceSettings(), role=role, organisation="LLR-ICB")
        return {"Authorization": f"Bearer {token}"}

    async with httpx.AsyncClient(base_url=base) as client:
        published = await client.post(
            "/governance/framework-versions",
            json={"version": 2, "effective_from": "2027-01-01", "summary": "v2"},
            headers=auth(Role.IPCB_MEMBER),
        )
        assert published.status_code == 201

        async def delegation_knows_version_2() -> bool:
            response = await client.get(
                "/delegation/framework-versions/in-force",
                params={"on": "2027-06-01"},
                headers=auth(Role.MDT_MEMBER),
            )
            return bool(response.json().get("version") == 2)

        await eventually(delegation_knows_version_2, seconds=10)
