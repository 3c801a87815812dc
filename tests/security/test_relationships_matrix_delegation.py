"""The relationship cells of the authorisation matrix for delegation, generated from its OpenAPI.

Every read of one person's delegation records (a GET whose path names only the proposal or the
delegation) and the list of delegations is called by every role it admits from four kinds of
organisation: one with a relationship it made itself (the proposing trust, the provider, an MDT
member's council or the ICB), one related by another basis (assessment's relationship, delivered
as its event), one with no relationship, and one outside the partner register. Own and related
read (200, the delegation listed), except a provider related only by another task; unrelated is
answered 404 (not listed); a non-partner 403.
"""

from __future__ import annotations

from typing import Any

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.vocabulary import RelationshipBasis
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import PROVIDER, given_live, given_related

# For each role: (own, related, unrelated) organisations; the non-partner is the same for all.
CONTEXTS = {
    Role.REGISTERED_PRACTITIONER: ("LPT", "UHL", "RWE"),  # LPT proposed; UHL assessed
    Role.MDT_MEMBER: ("LEICESTER-CITY-COUNCIL", "UHL", "RUTLAND-COUNTY-COUNCIL"),
    Role.PROVIDER_MANAGER: (PROVIDER, "ANOTHER-PROVIDER", "CARE-CO"),
    Role.COMMISSIONER: ("LLR-ICB", "LEICESTERSHIRE-COUNTY-COUNCIL", "RUTLAND-COUNTY-COUNCIL"),
}
RELATED = {  # how each role's "related" organisation came to its relationship
    "UHL": RelationshipBasis.ASSESSED,
    "ANOTHER-PROVIDER": RelationshipBasis.PROVIDER,
    "LEICESTERSHIRE-COUNTY-COUNCIL": RelationshipBasis.COMMISSIONER,
}
# A provider sees only the delegations it provides: related to the person by another task, it
# is answered as if unrelated.
SEES_AS_UNRELATED = {(Role.PROVIDER_MANAGER, "related")}
NON_PARTNER = "NOT-A-PARTNER-ORG"
LISTS = {"/delegations"}


def person_reads(
    document: dict[str, Any], ids: dict[str, str]
) -> list[tuple[str, frozenset[Role]]]:
    """The GETs whose only identifier is one of `ids`, and the list of delegations."""
    found = []
    for template, item in document["paths"].items():
        operation = item.get("get")
        if operation is None or "x-roles" not in operation:
            continue
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        if template in LISTS or (len(names) == 1 and names[0] in ids):
            found.append((template, frozenset(Role(r) for r in operation["x-roles"])))
    return found


async def test_every_read_of_a_persons_delegation_by_every_role_and_kind_of_organisation(
    service_client: ServiceClient,
) -> None:
    wrong: list[str] = []
    cells = 0
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        for organisation, basis in RELATED.items():
            await given_related(runtime, live.person_id, organisation, basis)
        read = await client.get(
            f"/delegations/{live.delegation_id}", headers=bearer(Role.MDT_MEMBER, "LPT")
        )
        ids = {"delegation_id": live.delegation_id, "proposal_id": read.json()["proposal_id"]}
        document = (await client.get("/openapi.json")).json()
        reads = person_reads(document, ids)
        assert len(reads) >= 4, reads
        for template, roles in reads:
            path = template
            for name, value in ids.items():
                path = path.replace("{" + name + "}", value)
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
                    sees = kind == "own" or (
                        kind == "related" and (role, kind) not in SEES_AS_UNRELATED
                    )
                    expected = 200 if sees else 404 if kind != "non-partner" else 403
                    if template in LISTS:
                        listed = response.status_code == 200 and live.delegation_id in {
                            d["id"] for d in response.json()["items"]
                        }
                        expected = 403 if kind == "non-partner" else 200
                        if (response.status_code, listed) != (expected, sees):
                            wrong.append(f"{template} {role} {kind}: {response.status_code}")
                        continue
                    if response.status_code != expected:
                        wrong.append(
                            f"{template} as {role} of {kind} {organisation}: "
                            f"{response.status_code}, expected {expected}"
                        )
    print(f"delegation relationship cells: {cells}")
    assert wrong == [], "\n".join(wrong)
