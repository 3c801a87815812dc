"""The relationship cells of the authorisation matrix, generated from assessment's OpenAPI.

Every read of one person's records (`GET /people/{person_id}...` with no other identifier) and the
list of people is called by every role it admits from four kinds of organisation: the one that
registered the person (own), one related by an event (an MDT's trust; the provider of a live
task), one with no relationship, and one outside the partner register. Own and related read (200,
the person listed); unrelated is answered 404 (not listed); a non-partner 403.
"""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from services.assessment.main import SPEC as ASSESSMENT
from shared.auth import Role
from shared.service import Runtime
from shared.testing.events import deliver
from tests.assessment.conftest import (
    PRACTITIONER,
    given_mdt,
    given_person,
    given_task_delegated,
)
from tests.conftest import ServiceClient, bearer

PROVIDER = "PROVIDER-HOMECARE-1"
# For each role: (own, related, unrelated) organisations; the non-partner is the same for all.
CONTEXTS = {
    Role.REGISTERED_PRACTITIONER: ("LPT", "UHL", "RWE"),
    Role.MDT_MEMBER: ("LPT", "UHL", "RWE"),
    Role.PROVIDER_MANAGER: (PROVIDER, PROVIDER, "CARE-CO"),
}
NON_PARTNER = "NOT-A-PARTNER-ORG"


async def given_related_person(client: AsyncClient, runtime: Runtime) -> str:
    """A person registered by LPT, with an equality profile, decided on by UHL's MDT and with a
    live task provided by PROVIDER (its support plan then exists)."""
    person_id = await given_person(client)
    profile = await client.put(
        f"/people/{person_id}/equality-profile",
        json={"sex": "female"},
        headers=PRACTITIONER,
    )
    assert profile.status_code == 200, profile.text
    await given_mdt(runtime, person_id, "UHL")
    await deliver(runtime, given_task_delegated(person_id, provider=PROVIDER))
    return person_id


def person_reads(document: dict[str, Any]) -> list[tuple[str, frozenset[Role]]]:
    """The GET operations whose only identifier is the person's, and the list of people."""
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None or "x-roles" not in operation:
            continue
        if path == "/people" or (path.startswith("/people/{person_id}") and path.count("{") == 1):
            found.append((path, frozenset(Role(r) for r in operation["x-roles"])))
    return found


async def test_every_read_of_a_person_by_every_role_from_own_related_unrelated_non_partner(
    service_client: ServiceClient,
) -> None:
    wrong: list[str] = []
    cells = 0
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_related_person(client, runtime)
        document = (await client.get("/openapi.json")).json()
        reads = person_reads(document)
        assert len(reads) >= 6, reads
        for template, roles in reads:
            path = template.replace("{person_id}", person_id)
            for role in sorted(roles & CONTEXTS.keys()):
                own, related, unrelated = CONTEXTS[role]
                for kind, organisation in [
                    ("own", own),
                    ("related", related),
                    ("unrelated", unrelated),
                    ("non-partner", NON_PARTNER),
                ]:
                    cells += 1
                    response = await client.get(path, headers=bearer(role, organisation))
                    if template == "/people":
                        ids = (
                            [p["id"] for p in response.json()["items"]]
                            if response.status_code == 200
                            else []
                        )
                        listed = person_id in ids
                        expected_listed = kind in ("own", "related")
                        expected = 403 if kind == "non-partner" else 200
                        if (response.status_code, listed) != (expected, expected_listed):
                            wrong.append(f"{template} {role} {kind}: {response.status_code}")
                        continue
                    expected = {"own": 200, "related": 200, "unrelated": 404}.get(kind, 403)
                    if response.status_code != expected:
                        wrong.append(
                            f"{template} as {role} of {kind} {organisation}: "
                            f"{response.status_code}, expected {expected}"
                        )
    print(f"relationship cells: {cells}")
    assert wrong == []
