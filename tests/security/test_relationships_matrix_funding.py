"""The relationship cells of the authorisation matrix for funding, generated from its OpenAPI.

Every read of one person's funding records (a GET whose path names only the delegation, the
joint package or the dispute) is called by every role it admits from four kinds of organisation:
the ICB commissioning the person's care (own, a party to each record), the council that shares
the package and the dispute (a party to those, related to the person as a commissioner), a council
related to the person only as an MDT member (related, not a party: money is for the parties), a
council with no relationship, and one outside the partner register. A party reads (200); a
related organisation that is no party, and an unrelated one, are answered 404; a non-partner 403.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.events.vocabulary import RelationshipBasis
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    COUNTY,
    ICB,
    finance,
    given_package,
    given_related,
    given_task_delegated,
)

UNRELATED = "RUTLAND-COUNTY-COUNCIL"
NON_PARTNER = "NOT-A-PARTNER-ORG"
ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER)
# Who is party to each record: the delegation's accountable organisation and the person's council
# (a payer under R11, R20 and R22); the package's and the dispute's parties.
PARTY_TO = {"delegation_id": {ICB, CITY}, "package_id": {ICB, CITY}, "dispute_id": {ICB, CITY}}


def person_reads(
    document: dict[str, Any], ids: dict[str, str]
) -> list[tuple[str, frozenset[Role]]]:
    """The GETs whose only identifier is one of `ids`."""
    found = []
    for template, item in document["paths"].items():
        operation = item.get("get")
        if operation is None or "x-roles" not in operation:
            continue
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        if len(names) == 1 and names[0] in ids:
            found.append((template, frozenset(Role(r) for r in operation["x-roles"])))
    return found


async def test_every_read_of_a_persons_funding_by_every_role_and_kind_of_organisation(
    service_client: ServiceClient,
) -> None:
    wrong: list[str] = []
    cells = 0
    async with service_client(FUNDING) as (client, runtime):
        person_id = uuid4()
        delegated = given_task_delegated(person_id=person_id)
        await given_related(runtime, person_id, ICB, CITY)
        await given_related(runtime, person_id, COUNTY, basis=RelationshipBasis.MDT)
        await deliver(runtime, delegated)
        package = await given_package(client, person_id=str(person_id))
        raised = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "shares"},
            headers=finance(ICB),
        )
        assert raised.status_code == 201, raised.text
        ids = {
            "delegation_id": str(delegated.delegation_id),
            "package_id": str(package["id"]),
            "dispute_id": str(raised.json()["id"]),
        }
        document = (await client.get("/openapi.json")).json()
        reads = person_reads(document, ids)
        assert len(reads) >= 4, reads
        for template, roles in reads:
            path = template
            for name, value in ids.items():
                path = path.replace("{" + name + "}", value)
            [name] = [n for n in ids if "{" + n + "}" in template]
            for role in sorted(roles & set(ROLES)):
                for kind, organisation in [
                    ("own", ICB),
                    ("other party", CITY),
                    ("related, no party", COUNTY),
                    ("unrelated", UNRELATED),
                    ("non-partner", NON_PARTNER),
                ]:
                    cells += 1
                    response = await client.get(path, headers=bearer(role, organisation))
                    expected = (
                        403
                        if kind == "non-partner"
                        else 200
                        if organisation in PARTY_TO[name]
                        else 404
                    )
                    if response.status_code != expected:
                        wrong.append(
                            f"{template} as {role} of {kind} {organisation}: "
                            f"{response.status_code}, expected {expected}"
                        )
    print(f"funding relationship cells: {cells}")
    assert wrong == [], "\n".join(wrong)
