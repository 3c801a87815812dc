"""Clinical suspension (R17, R18): a practitioner of the oversight owner stops a task at once on
clinical grounds, the task returns to them, and they lift it."""

from __future__ import annotations

from sqlalchemy import select

from services.delegation.domain.delegations import LIFECYCLE, DelegationCommand, DelegationState
from services.delegation.main import SPEC as DELEGATION
from shared.audit import audit_log
from shared.auth import Role
from shared.events.delegation import (
    DelegationResumed,
    DelegationSuspended,
    HandbackClosed,
    HandbackClosure,
    HandbackOpened,
    StopReason,
)
from shared.outbox import outbox
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    GP_PRACTITIONER,
    MANAGER,
    MDT,
    PRACTITIONER,
    consent,
    given_handbacks,
    given_live,
    withdrawn,
)

GROUNDS = "skin has broken down around the application site; nurse to review"


async def test_r18_the_oversight_owner_suspends_at_once_and_the_task_returns_to_them(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        response = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": GROUNDS},
            headers=PRACTITIONER,
        )
        [handback] = await given_handbacks(client, live.delegation_id)
        [event] = await published(runtime, HandbackOpened)
        async with runtime.sessions() as session:
            values = (await session.scalars(select(outbox.c.payload))).all()
            audited = (
                await session.scalars(
                    select(audit_log.c.reason).where(
                        audit_log.c.action == "delegation.suspend_clinically"
                    )
                )
            ).all()
        suspensions = await published(runtime, DelegationSuspended)
    body = response.json()
    assert response.status_code == 200, response.text
    assert body["status"] == "clinically_suspended"
    assert body["clinical_suspension_reason"] == GROUNDS
    assert body["clinically_suspended_on"] == "2026-01-05"
    assert (handback["reason"], handback["oversight_owner"]) == ("clinical_suspension", "LPT")
    assert isinstance(event, HandbackOpened)
    assert event.reason is StopReason.CLINICAL_SUSPENSION
    assert not any("skin has broken down" in v for v in values)  # events carry only the code
    assert audited == [GROUNDS]
    assert suspensions == []  # DelegationSuspended's reasons are the gates': HandbackOpened says it


async def test_r17_only_a_practitioner_of_the_oversight_owner_may_suspend(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)  # open to CHS: LPT oversees
        url = f"/delegations/{live.delegation_id}/clinical-suspension"
        body = {"reason": GROUNDS}
        gp = await client.post(url, json=body, headers=GP_PRACTITIONER)
        mdt = await client.post(url, json=body, headers=MDT)
        provider = await client.post(url, json=body, headers=MANAGER)
        commissioner = await client.post(url, json=body, headers=bearer(Role.COMMISSIONER, "LPT"))
        blank = await client.post(url, json={"reason": ""}, headers=PRACTITIONER)
        state = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
    assert gp.status_code == 403
    assert mdt.status_code == 403
    assert provider.status_code == 403
    assert commissioner.status_code == 403
    assert blank.json()["errors"][0]["field"] == "reason"
    assert state["status"] == "live"


async def test_r18_lifting_the_suspension_resumes_the_task_and_closes_the_handback(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": GROUNDS},
            headers=PRACTITIONER,
        )
        not_owner = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension/lift", headers=GP_PRACTITIONER
        )
        lifted = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension/lift", headers=PRACTITIONER
        )
        again = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension/lift", headers=PRACTITIONER
        )
        [handback] = await given_handbacks(client, live.delegation_id)
        [closed] = await published(runtime, HandbackClosed)
        resumed = await published(runtime, DelegationResumed)
    assert not_owner.status_code == 403
    assert lifted.json()["status"] == "live"
    assert again.status_code == 409
    assert (handback["status"], handback["closure"]) == ("closed", "resumed")
    assert isinstance(closed, HandbackClosed)
    assert closed.closure is HandbackClosure.RESUMED
    assert len(resumed) == 1


async def test_r18_lifting_while_consent_is_withdrawn_leaves_it_suspended_and_handed_back(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": GROUNDS},
            headers=PRACTITIONER,
        )
        await deliver(runtime, withdrawn(live))
        still_clinical = (
            await client.get(f"/delegations/{live.delegation_id}", headers=MDT)
        ).json()
        lifted = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension/lift", headers=PRACTITIONER
        )
        [open_handback] = await given_handbacks(client, live.delegation_id)
        await deliver(runtime, consent(live.person_id))
        resumed = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        [closed_handback] = await given_handbacks(client, live.delegation_id)
    assert still_clinical["status"] == "clinically_suspended"  # consent returning won't lift it
    assert lifted.json()["status"] == "suspended"
    assert lifted.json()["suspension_reason"] == "consent_withdrawn"
    assert (open_handback["status"], open_handback["reason"]) == ("open", "clinical_suspension")
    assert resumed["status"] == "live"
    assert closed_handback["closure"] == "resumed"


async def test_r18_a_clinically_suspended_task_still_does_not_return_on_new_consent(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": GROUNDS},
            headers=PRACTITIONER,
        )
        await deliver(runtime, consent(live.person_id))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
    assert body["status"] == "clinically_suspended"


def test_r18_clinical_suspension_and_handing_back_are_in_the_lifecycle_table() -> None:
    assert (
        LIFECYCLE.next(DelegationState.LIVE, DelegationCommand.SUSPEND_CLINICALLY)
        is DelegationState.CLINICALLY_SUSPENDED
    )
    assert (
        LIFECYCLE.next(DelegationState.CLINICALLY_SUSPENDED, DelegationCommand.LIFT)
        is DelegationState.LIVE
    )
    assert (
        LIFECYCLE.next(DelegationState.LIVE, DelegationCommand.HAND_BACK)
        is DelegationState.HANDED_BACK
    )
    assert not LIFECYCLE.allows(DelegationState.AWAITING_GATES, DelegationCommand.DECLINE)
