"""Live delegations: suspension and resumption (R7, R16), oversight transfer (R17), ending."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from services.delegation.main import SPEC as DELEGATION
from shared.audit import audit_log
from shared.events.assessment import CommunityHealthServicesStatusChanged, ConsentWithdrawn
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    EndReason,
    OversightTransferred,
    SuspensionReason,
)
from shared.events.training import CompetenceLapsed
from shared.events.vocabulary import OversightKind
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    GP,
    MANAGER,
    MDT,
    PROVIDER,
    competent,
    consent,
    given_live,
)


def lapsed(worker_id: uuid.UUID) -> CompetenceLapsed:
    return CompetenceLapsed(
        worker_id=worker_id,
        task_code="topical-cream",
        provider_organisation=PROVIDER,
        lapsed_on=date(2026, 1, 5),
    )


async def test_r7_withdrawn_consent_suspends_and_new_consent_resumes(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            ConsentWithdrawn(
                person_id=live.person_id,
                consent_id=live.consent_id,
                task_code="topical-cream",
                withdrawn_on=date(2026, 1, 5),
            ),
        )
        suspended = await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        await deliver(runtime, consent(live.person_id))
        resumed = await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        suspensions = await published(runtime, DelegationSuspended)
        resumptions = await published(runtime, DelegationResumed)
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["suspension_reason"] == "consent_withdrawn"
    assert resumed.json()["status"] == "live"
    assert [e.reason for e in suspensions if isinstance(e, DelegationSuspended)] == [
        SuspensionReason.CONSENT_WITHDRAWN
    ]
    assert len(resumptions) == 1


async def test_r7_withdrawing_consent_to_another_task_leaves_this_one_live(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            ConsentWithdrawn(
                person_id=live.person_id,
                consent_id=uuid.uuid4(),
                task_code="eye-drops",
                withdrawn_on=date(2026, 1, 5),
            ),
        )
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert body["status"] == "live"


async def test_r16_no_competent_worker_left_suspends_and_reassessment_resumes(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        await deliver(runtime, lapsed(first))
        one_left = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        await deliver(runtime, lapsed(second))
        none_left = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        await deliver(runtime, competent(second))
        reassessed = (
            await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        ).json()
        suspensions = await published(runtime, DelegationSuspended)
        resumptions = await published(runtime, DelegationResumed)
    assert one_left["status"] == "live"
    assert none_left["status"] == "suspended"
    assert none_left["suspension_reason"] == "no_competent_worker"
    assert reassessed["status"] == "live"
    assert [e.reason for e in suspensions if isinstance(e, DelegationSuspended)] == [
        SuspensionReason.NO_COMPETENT_WORKER
    ]
    assert len(resumptions) == 1


async def test_r17_leaving_community_health_services_transfers_oversight_to_the_gp(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=True)
        discharged = CommunityHealthServicesStatusChanged(
            person_id=live.person_id,
            open_to_community_health_services=False,
            gp_practice=GP,
            effective_date=date(2026, 2, 1),
        )
        await deliver(runtime, discharged, discharged)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        transfers = await published(runtime, OversightTransferred)
    assert body["oversight_kind"] == "primary_care"
    assert body["oversight_owner"] == GP
    assert len(transfers) == 1
    transfer = transfers[0]
    assert isinstance(transfer, OversightTransferred)
    assert (transfer.from_kind, transfer.from_owner) == (
        OversightKind.COMMUNITY_HEALTH_SERVICES,
        "LPT",
    )
    assert (transfer.to_kind, transfer.to_owner) == (OversightKind.PRIMARY_CARE, GP)
    assert transfer.effective_date == date(2026, 2, 1)


async def test_a_delegation_is_ended_with_a_reason_once(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        ended = await client.post(
            f"/delegations/{live.delegation_id}/end",
            json={"reason_code": "need_met", "reason_detail": "the wound has healed"},
            headers=MDT,
        )
        again = await client.post(
            f"/delegations/{live.delegation_id}/end", json={"reason_code": "need_met"}, headers=MDT
        )
        blank = await client.post(
            f"/delegations/{live.delegation_id}/end", json={"reason": ""}, headers=MDT
        )
        events = await published(runtime, DelegationEnded)
    assert ended.json()["status"] == "ended"
    assert (ended.json()["end_reason_code"], ended.json()["end_reason"]) == (
        "need_met",
        "the wound has healed",  # the words stay in delegation's record
    )
    assert again.status_code == 409
    assert blank.json()["errors"][0]["field"] == "reason"
    assert [(e.reason_code, e.reason) for e in events if isinstance(e, DelegationEnded)] == [
        (EndReason.NEED_MET, "The need the task met has been met")  # the code's wording only
    ]


async def test_r7_withdrawal_naming_the_delegation_suspends_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            ConsentWithdrawn(
                person_id=live.person_id,
                consent_id=live.consent_id,
                task_code="topical-cream",
                delegation_id=uuid.UUID(live.delegation_id),
                withdrawn_on=date(2026, 1, 5),
            ),
        )
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert body["status"] == "suspended"
    assert body["suspension_reason"] == "consent_withdrawn"


async def test_every_change_is_audited(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.role).where(
                        audit_log.c.subject == live.delegation_id
                    )
                )
            ).all()
    actions = {action: role for action, role in rows}
    assert actions["delegation.accept"] == "provider_manager"
    assert actions["delegation.live"] == "service"
