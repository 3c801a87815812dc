"""R17: when a person's GP practice changes, primary care oversight of their running tasks moves
to the new practice; Community Health Services keep the tasks they oversee."""

from __future__ import annotations

import uuid
from datetime import date

from services.delegation.main import SPEC as DELEGATION
from shared.events.assessment import CommunityHealthServicesStatusChanged, GpPracticeChanged
from shared.events.delegation import OversightTransferred
from shared.events.vocabulary import OversightKind
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import GP, MANAGER, given_live

NEW_PRACTICE = "C82002"


def moved(person_id: uuid.UUID, practice: str = NEW_PRACTICE) -> GpPracticeChanged:
    return GpPracticeChanged(
        person_id=person_id, gp_practice=practice, effective_date=date(2026, 2, 1)
    )


async def test_r17_a_new_gp_practice_takes_over_primary_care_oversight_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False)
        before = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        change = moved(live.person_id)
        await deliver(runtime, change, change)  # the second is a redelivery
        after = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        transfers = await published(runtime, OversightTransferred)
    assert (before["oversight_kind"], before["oversight_owner"]) == ("primary_care", GP)
    assert (after["oversight_kind"], after["oversight_owner"]) == ("primary_care", NEW_PRACTICE)
    assert len(transfers) == 1
    [transfer] = transfers
    assert isinstance(transfer, OversightTransferred)
    assert str(transfer.delegation_id) == live.delegation_id
    assert (transfer.from_kind, transfer.from_owner) == (OversightKind.PRIMARY_CARE, GP)
    assert (transfer.to_kind, transfer.to_owner) == (OversightKind.PRIMARY_CARE, NEW_PRACTICE)
    assert transfer.effective_date == date(2026, 2, 1)


async def test_r17_the_same_practice_again_transfers_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False)
        await deliver(runtime, moved(live.person_id, GP))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        transfers = await published(runtime, OversightTransferred)
    assert body["oversight_owner"] == GP
    assert transfers == []


async def test_r17_a_person_open_to_chs_keeps_chs_oversight_and_discharged_goes_to_the_new_gp(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=True)
        await deliver(runtime, moved(live.person_id))
        kept = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        none_yet = await published(runtime, OversightTransferred)
        await deliver(
            runtime,
            CommunityHealthServicesStatusChanged(
                person_id=live.person_id,
                open_to_community_health_services=False,
                gp_practice=NEW_PRACTICE,
                effective_date=date(2026, 3, 1),
            ),
        )
        discharged = (
            await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        ).json()
    assert kept["oversight_kind"] == "community_health_services"
    assert none_yet == []
    assert (discharged["oversight_kind"], discharged["oversight_owner"]) == (
        "primary_care",
        NEW_PRACTICE,
    )


async def test_r17_a_practice_change_for_a_person_not_known_here_changes_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (_, runtime):
        await deliver(runtime, moved(uuid.uuid4()))
        transfers = await published(runtime, OversightTransferred)
    assert transfers == []
