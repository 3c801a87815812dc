"""Information governance in delegation: every organisation a request names is a partner of a
kind that fits (R2); each change is made by an organisation that has that part; a person's
delegation records are read only within a legitimate relationship, and every read is audited
(issue 14, items 1-5)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from services.delegation.main import SPEC as DELEGATION
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.events.delegation import DelegationDecided
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    GP,
    IPCB,
    MANAGER,
    MDT,
    PRACTITIONER,
    SINCE,
    Live,
    given_approved,
    given_decision_body,
    given_live,
    given_member,
    given_proposal,
    given_proposal_body,
    given_related,
    post_proposal,
    withdrawn,
)

LPT_MDT = bearer(Role.MDT_MEMBER, "LPT")
ELSEWHERE = "LEICESTERSHIRE-COUNTY-COUNCIL"  # a partner with no part in these people's care
OTHER_PROVIDER = "ANOTHER-PROVIDER"
REASON = "A&E: unconscious, the carers' records are needed now"


async def given_review(client: AsyncClient, runtime: Runtime, live: Live) -> str:
    change = NeedChanged(
        person_id=live.person_id,
        change_id=uuid.uuid4(),
        significant=False,
        recorded_on=date(2026, 1, 5),
    )
    await deliver(runtime, change)
    reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
    [review] = reviews.json()["items"]
    return str(review["id"])


def field_of(response: Any) -> str:
    return str(response.json()["errors"][0]["field"])


# ----------------------------------------------------------------------------------------------
# Organisations a request names are in the register, of a kind that fits (item 3)


async def test_r2_a_proposals_provider_is_a_partner_of_a_kind_that_carries_the_task_out(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):

        async def propose(**overrides: Any) -> Any:
            body = given_proposal_body(uuid.uuid4(), **overrides)
            return await post_proposal(client, body)

        unknown = await propose(provider_organisation="NOT-A-PARTNER")
        commissioner = await propose(provider_organisation="LLR-ICB")
        care_home_for_health = await propose(
            task_code="personal-care-washing",
            direction="social_to_health",
            provider_organisation="CAREWELL-HOMECARE",
        )
        trust_for_social_care = await propose(
            task_code="personal-care-washing",
            direction="social_to_health",
            provider_organisation="LPT",
        )
        council_service = await propose(provider_organisation="RUTLAND-COUNTY-COUNCIL")
        submitted = await published(runtime)
    assert (unknown.status_code, field_of(unknown)) == (422, "provider_organisation")
    assert "register" in unknown.json()["errors"][0]["reason"]
    assert (commissioner.status_code, field_of(commissioner)) == (422, "provider_organisation")
    assert field_of(care_home_for_health) == "provider_organisation"
    assert trust_for_social_care.status_code == 201
    assert council_service.status_code == 201
    assert len(submitted) == 2


async def test_r2_r9_each_mdt_members_organisation_is_a_partner_that_fits_their_discipline(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        url = f"/proposals/{proposal_id}/decision"
        nurse = given_member("registered_nurse", "LPT")

        async def decide(second: dict[str, Any]) -> Any:
            members = [nurse, second]  # LPT's member records the decision
            return await client.post(
                url, json=given_decision_body(members=members), headers=LPT_MDT
            )

        unknown = await decide(given_member("social_worker", "NOWHERE"))
        trust_social_worker = await decide(given_member("social_worker", "LPT"))
        decided = await published(runtime, DelegationDecided)
        council = await decide(given_member("social_worker", ELSEWHERE))
    assert (unknown.status_code, field_of(unknown)) == (422, "members.1.organisation")
    assert field_of(trust_social_worker) == "members.1.organisation"
    assert decided == []
    assert council.status_code == 201


async def test_r2_a_reviews_reassessment_names_partners(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        review_id = await given_review(client, runtime, live)
        decision = given_decision_body()
        reassessment = {k: decision[k] for k in ("risk", "best_interests", "section_22")} | {
            "members": [given_member("doctor", "NOWHERE")]
        }
        response = await client.post(
            f"/reviews/{review_id}/outcome",
            json={"outcome": "continue", "reassessment": reassessment},
            headers=MDT,
        )
    assert (response.status_code, field_of(response)) == (
        422,
        "reassessment.members.0.organisation",
    )


async def test_r2_an_organisation_a_list_is_filtered_by_is_a_partner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        delegations = await client.get("/delegations", params={"organisation": "X"}, headers=MDT)
        overdue = await client.get("/reviews/overdue", params={"organisation": "X"}, headers=MDT)
        handbacks = await client.get("/handbacks", params={"oversight_owner": "X"}, headers=MDT)
    assert (delegations.status_code, field_of(delegations)) == (422, "organisation")
    assert (overdue.status_code, field_of(overdue)) == (422, "organisation")
    assert (handbacks.status_code, field_of(handbacks)) == (422, "oversight_owner")


# ----------------------------------------------------------------------------------------------
# Writes by the organisation that has the part (item 4)


async def test_the_ipcbs_policies_are_set_only_by_ipcb_members_of_a_board_organisation(
    service_client: ServiceClient,
) -> None:
    not_on_the_board = bearer(Role.IPCB_MEMBER, "UHL")  # a partner, not an IPCB member
    async with service_client(DELEGATION) as (client, _runtime):
        refused = [
            await client.put(path, json=body, headers=not_on_the_board)
            for path, body in (
                ("/policies/handback-acknowledgement", {"acknowledge_within_days": 7}),
                ("/policies/regular-use", {"threshold": 2, "period_days": 7}),
            )
        ]
        handback = await client.get("/policies/handback-acknowledgement", headers=MDT)
        regular = await client.get("/policies/regular-use", headers=MDT)
        board = await client.put(
            "/policies/regular-use", json={"threshold": 2, "period_days": 7}, headers=IPCB
        )
    assert [r.status_code for r in refused] == [403, 403]
    assert handback.json()["acknowledge_within_days"] == 1
    assert (regular.json()["threshold"], board.status_code) == (3, 200)


async def test_a_provider_acts_only_on_its_own_organisations_delegations(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        # The other provider carries another task for the same person: it is related to them.
        await given_related(runtime, live.person_id, OTHER_PROVIDER, RelationshipBasis.PROVIDER)
        other = bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
        path = f"/delegations/{live.delegation_id}"
        worker = live.workers[0]
        writes = [
            await client.post(
                f"{path}/decline", json={"reason_code": "no_capacity"}, headers=other
            ),
            await client.post(
                f"{path}/handback-notice",
                json={"notice_date": "2026-02-01", "reason": "closing"},
                headers=other,
            ),
            await client.post(f"{path}/workers/{worker}/departure", headers=other),
            await client.post(
                f"{path}/occurrences",
                json={"occurred_on": "2026-01-05"},
                headers=bearer(Role.CARE_WORKER, OTHER_PROVIDER),
            ),
        ]
        read = await client.get(path, headers=other)
        listed = await client.get("/delegations", headers=other)
        own = await client.get(path, headers=MANAGER)
    assert [w.status_code for w in writes] == [404, 404, 404, 404]
    assert read.status_code == 404
    assert listed.json()["items"] == []
    assert own.json()["status"] == "live"


async def test_r17_r18_only_the_oversight_owners_organisation_suspends_or_acknowledges(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)  # open to CHS: LPT oversees
        await given_related(runtime, live.person_id, "UHL")  # related, yet not the owner
        stranger = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
        suspend = await client.post(
            f"/delegations/{live.delegation_id}/clinical-suspension",
            json={"reason": "skin broken down"},
            headers=stranger,
        )
        await deliver(runtime, withdrawn(live))
        handbacks = await client.get(
            "/handbacks", params={"delegation_id": live.delegation_id}, headers=stranger
        )
        [handback] = handbacks.json()["items"]
        acknowledge = await client.post(
            f"/handbacks/{handback['id']}/acknowledgement",
            json={"cover": "district_nursing"},
            headers=stranger,
        )
        owner = await client.post(
            f"/handbacks/{handback['id']}/acknowledgement",
            json={"cover": "district_nursing"},
            headers=PRACTITIONER,
        )
    assert (suspend.status_code, acknowledge.status_code) == (403, 403)
    assert owner.status_code == 200


async def test_r26_a_reviews_outcome_is_for_the_mdts_organisations_or_the_oversight_owner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False)  # the GP practice oversees
        review_id = await given_review(client, runtime, live)
        await given_related(runtime, live.person_id, ELSEWHERE)
        url = f"/reviews/{review_id}/outcome"
        body = {"outcome": "continue"}
        stranger = await client.post(url, json=body, headers=bearer(Role.MDT_MEMBER, ELSEWHERE))
        owner = await client.post(url, json=body, headers=bearer(Role.MDT_MEMBER, GP))
    assert stranger.status_code == 403
    assert owner.status_code == 200, owner.text


async def test_a_delegation_is_ended_by_the_mdts_organisations_or_the_oversight_owner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await given_related(runtime, live.person_id, ELSEWHERE)
        url = f"/delegations/{live.delegation_id}/end"
        body = {"reason_code": "need_met"}
        stranger = await client.post(url, json=body, headers=bearer(Role.MDT_MEMBER, ELSEWHERE))
        member = await client.post(url, json=body, headers=PRACTITIONER)
    assert stranger.status_code == 403
    assert member.json()["status"] == "ended"


async def test_r23_a_practitioner_records_occurrences_for_the_mdt_or_the_oversight_owner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/occurrences"
        body = {"occurred_on": "2026-01-05"}
        stranger = await client.post(
            url, json=body, headers=bearer(Role.REGISTERED_PRACTITIONER, "UHL")
        )
        owner = await client.post(url, json=body, headers=PRACTITIONER)
    assert stranger.status_code == 403
    assert owner.status_code == 201


# ----------------------------------------------------------------------------------------------
# Reads within a legitimate relationship, audited (item 5)


async def reads(client: AsyncClient, live: Live, headers: dict[str, str]) -> dict[str, Any]:
    """Every read of the person's delegation records, as `headers` gets them."""
    delegation = await client.get(f"/delegations/{live.delegation_id}", headers=headers)
    proposal_id = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()[
        "proposal_id"
    ]
    handbacks = (await client.get("/handbacks", headers=MDT)).json()["items"]
    return {
        "delegation": delegation.status_code,
        "proposal": (await client.get(f"/proposals/{proposal_id}", headers=headers)).status_code,
        "reviews": (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=headers)
        ).status_code,
        "handback": (
            await client.get(f"/handbacks/{handbacks[0]['id']}", headers=headers)
        ).status_code,
        "delegations": len((await client.get("/delegations", headers=headers)).json()["items"]),
        "handbacks": len((await client.get("/handbacks", headers=headers)).json()["items"]),
        "overdue": len((await client.get("/reviews/overdue", headers=headers)).json()["items"]),
    }


async def test_a_persons_delegation_records_are_read_only_within_a_relationship(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    commissioner = bearer(Role.COMMISSIONER, ELSEWHERE)
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await given_review(client, runtime, live)
        await deliver(runtime, withdrawn(live))  # a handback opens
        clock.move(timedelta(days=2))  # the review is overdue
        not_found = await client.get(f"/delegations/{live.delegation_id}", headers=commissioner)
        outside = await reads(client, live, commissioner)
        await given_related(runtime, live.person_id, ELSEWHERE, RelationshipBasis.COMMISSIONER)
        within = await reads(client, live, commissioner)
    assert outside == {
        "delegation": 404,
        "proposal": 404,
        "reviews": 404,
        "handback": 404,
        "delegations": 0,
        "handbacks": 0,
        "overdue": 0,
    }
    assert str(live.person_id) not in not_found.text  # nor does the answer name the person
    assert within == {
        "delegation": 200,
        "proposal": 200,
        "reviews": 200,
        "handback": 200,
        "delegations": 1,
        "handbacks": 1,
        "overdue": 1,
    }


async def test_every_read_of_a_persons_delegation_records_is_audited(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        await client.get("/delegations", headers=MANAGER)
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.person_id, audit_log.c.purpose).where(
                        audit_log.c.organisation == "CAREWELL-HOMECARE",
                        audit_log.c.action.like("read.%"),
                    )
                )
            ).all()
    person = str(live.person_id)
    assert sorted(rows) == [
        ("read.delegation", person, "direct_care"),
        ("read.delegation", person, "direct_care"),
    ]


async def test_a_practitioner_may_break_the_glass_with_a_stated_reason_and_it_is_audited(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        path = f"/delegations/{live.delegation_id}"
        glass = {"X-Break-Glass-Reason": REASON}
        practitioner = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
        without = await client.get(path, headers=practitioner)
        broken = await client.get(path, headers=practitioner | glass)
        mdt = await client.get(path, headers=bearer(Role.MDT_MEMBER, "UHL") | glass)
        too_short = await client.get(path, headers=practitioner | {"X-Break-Glass-Reason": "x"})
        async with runtime.sessions() as session:
            audited = (
                await session.execute(
                    select(audit_log.c.purpose, audit_log.c.reason).where(
                        audit_log.c.organisation == "UHL"
                    )
                )
            ).all()
    assert without.status_code == 404
    assert broken.status_code == 200
    assert mdt.status_code == 404  # only a registered practitioner breaks the glass
    assert too_short.status_code == 422
    assert audited == [("break_glass", REASON)]


async def test_a_provider_no_longer_sees_the_person_once_its_relationship_has_ended(
    service_client: ServiceClient,
) -> None:
    """Assessment ends a provider's relationship a grace period after its delegation ended."""
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        delegation_id = await given_approved(client, person_id)
        before = await client.get(f"/delegations/{delegation_id}", headers=MANAGER)
        proposal_id = before.json()["proposal_id"]
        ended = datetime(2026, 1, 1, tzinfo=UTC)
        await deliver(
            runtime,
            relationship(
                person_id,
                "CAREWELL-HOMECARE",
                RelationshipBasis.PROVIDER,
                proposal_id,
                SINCE,
                until=ended,
            ),
        )
        after = await client.get(f"/delegations/{delegation_id}", headers=MANAGER)
        listed = await client.get("/delegations", headers=MANAGER)
    assert before.status_code == 200
    assert after.status_code == 404
    assert listed.json()["items"] == []


async def test_the_report_roles_never_read_a_persons_delegation_records(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        answers = [
            (await client.get(path, headers=bearer(role, "LLR-ICB"))).status_code
            for role in (Role.AUDITOR, Role.IPCB_MEMBER)
            for path in ("/delegations", f"/delegations/{live.delegation_id}", "/handbacks")
        ]
    assert answers == [403] * 6
