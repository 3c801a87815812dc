"""Local system identifiers beside the NHS number: checked per system, one person per value in
a system, searchable within a relationship, audited, never published."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.assessment.domain.identifiers import IdentifierSystem, local_identifier, parse_token
from services.assessment.main import SPEC as ASSESSMENT
from shared.audit import audit_log
from shared.errors import InvalidInput
from shared.testing.events import published
from tests.assessment.conftest import MDT, PRACTITIONER, given_person
from tests.conftest import ServiceClient


@pytest.mark.parametrize(
    ("system", "raw", "canonical"),
    [
        ("las", "1234567", "1234567"),
        ("mosaic", " 98 76 54 ", "987654"),
        ("SystmOne", "123456789012", "123456789012"),
        ("rio", "rx123456", "RX123456"),
    ],
)
def test_each_systems_identifier_is_accepted_in_its_canonical_form(
    system: str, raw: str, canonical: str
) -> None:
    found = local_identifier(system, raw, "value")
    assert (found.system, found.value) == (IdentifierSystem(system.lower()), canonical)


@pytest.mark.parametrize(
    ("system", "raw"),
    [
        ("las", "0123"),  # leading zero
        ("las", "12345678901"),  # eleven digits
        ("mosaic", "12a4"),
        ("systmone", "12345"),  # too short
        ("rio", "ABCD1234"),  # four letters
        ("rio", "R12"),
        ("emis", "123456"),  # not a system the platform knows
    ],
)
def test_an_identifier_outside_its_systems_format_is_refused_naming_the_field(
    system: str, raw: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        local_identifier(system, raw, "value")
    assert refused.value.extensions["errors"][0]["field"] == "value"


def test_a_search_token_is_system_bar_value() -> None:
    assert parse_token("mosaic|123456", "q").value == "123456"
    with pytest.raises(InvalidInput):
        parse_token("123456", "q")


async def test_an_identifier_is_added_found_by_search_and_removed_with_audit_never_published(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person = await given_person(client)
        before = len(await published(runtime))
        added = await client.post(
            f"/people/{person}/identifiers",
            json={"system": "mosaic", "value": "4455667"},
            headers=PRACTITIONER,
        )
        again = await client.post(
            f"/people/{person}/identifiers",
            json={"system": "mosaic", "value": "4455667"},
            headers=PRACTITIONER,
        )
        found = await client.get(
            "/people", params={"identifier": "mosaic|4455667"}, headers=PRACTITIONER
        )
        listed = await client.get(f"/people/{person}/identifiers", headers=PRACTITIONER)
        after_add = len(await published(runtime))
        removed = await client.delete(
            f"/people/{person}/identifiers/{added.json()['id']}", headers=PRACTITIONER
        )
        gone = await client.get(
            "/people", params={"identifier": "mosaic|4455667"}, headers=PRACTITIONER
        )
        async with runtime.sessions() as session:
            trail = (await session.execute(select(audit_log.c.action, audit_log.c.reason))).all()
    assert (added.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == added.json()["id"]
    assert [p["id"] for p in found.json()["items"]] == [person]
    assert [(i["system"], i["value"]) for i in listed.json()["items"]] == [("mosaic", "4455667")]
    assert removed.status_code == 204
    assert gone.json()["items"] == []
    assert after_add == before  # identifiers are never on an event
    assert ("person.identifier.add", "mosaic") in trail
    assert ("person.identifier.remove", "mosaic") in trail
    assert ("read.person_identifiers", None) in trail
    assert all("4455667" not in (reason or "") for _, reason in trail)


async def test_a_value_is_unique_within_its_system_and_the_conflict_does_not_say_who(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        first, second = await given_person(client), await given_person(client)
        body = {"system": "las", "value": "778899"}
        await client.post(f"/people/{first}/identifiers", json=body, headers=PRACTITIONER)
        taken = await client.post(f"/people/{second}/identifiers", json=body, headers=PRACTITIONER)
        other_system = await client.post(
            f"/people/{second}/identifiers",
            json={"system": "mosaic", "value": "778899"},
            headers=PRACTITIONER,
        )
    assert taken.status_code == 409
    assert first not in taken.text
    assert other_system.status_code == 201


async def test_search_and_reads_respect_the_relationship_rules(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person = await given_person(client)
        await client.post(
            f"/people/{person}/identifiers",
            json={"system": "rio", "value": "RX100200"},
            headers=PRACTITIONER,
        )
        unrelated = await client.get("/people", params={"identifier": "rio|RX100200"}, headers=MDT)
        unrelated_list = await client.get(f"/people/{person}/identifiers", headers=MDT)
        unrelated_add = await client.post(
            f"/people/{person}/identifiers",
            json={"system": "las", "value": "4242"},
            headers=MDT,
        )
        bad_token = await client.get(
            "/people", params={"identifier": "rio-RX100200"}, headers=PRACTITIONER
        )
        bad_value = await client.post(
            f"/people/{person}/identifiers",
            json={"system": "systmone", "value": "12"},
            headers=PRACTITIONER,
        )
        bad_system = await client.post(
            f"/people/{person}/identifiers",
            json={"system": "emis", "value": "123456"},
            headers=PRACTITIONER,
        )
    assert unrelated.status_code == 200
    assert unrelated.json()["items"] == []  # the ICB's MDT has no relationship with them
    assert unrelated_list.status_code == 404
    assert unrelated_add.status_code == 403  # an MDT member does not register identifiers
    assert bad_token.status_code == 422
    assert bad_token.json()["errors"][0]["field"] == "query.identifier"
    assert bad_value.status_code == 422
    assert bad_value.json()["errors"][0]["field"] == "value"
    assert bad_system.status_code == 422
    assert bad_system.json()["errors"][0]["field"] == "system"
