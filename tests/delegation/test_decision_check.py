"""The one decision check every route to a delegation passes (R1, R9-R13): pure, then each
route (MDT, Shared Care, review) on real PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.accountability import ProfessionalBody
from services.delegation.domain.proposals import ProposalState
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Delegation
from shared.errors import RuleViolation
from shared.events.assessment import NeedChanged
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    ReviewCompleted,
    ReviewDue,
    ReviewReason,
)
from shared.events.governance import (
    CatalogueChange,
    FrameworkVersionPublished,
    SharedCareDecision,
    SharedCareDecisionRecorded,
    TaskCatalogueChanged,
)
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    MDT,
    given_decision_body,
    given_handbacks,
    given_live,
    given_proposal,
    given_relationships,
    runtime_of,
    shared_care_decided,
)

TODAY = date(2026, 1, 5)
CREAM = check.Task("topical-cream", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.ROUTINE)
IV = check.Task("iv-drug-administration", TaskCategory.SPECIALISED_MEDICATION, Delegability.NEVER)
WOUND = check.Task(
    "complex-wound-dressing", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.CASE_BY_CASE
)
WASHING = check.Task("personal-care-washing", TaskCategory.SOCIAL_CARE, Delegability.ROUTINE)
SAFEGUARDING = check.Task(
    "adult-safeguarding-enquiry", TaskCategory.SOCIAL_CARE, Delegability.SOCIAL_CARE_ONLY
)
CASE = check.Case(
    task=CREAM,
    direction=Direction.HEALTH_TO_SOCIAL,
    members=(
        check.Member(check.Discipline.REGISTERED_NURSE, "LPT"),
        check.Member(check.Discipline.SOCIAL_WORKER, "LEICESTER-CITY-COUNCIL"),
    ),
    risk=check.RiskAssessment(
        check.Stability.STABLE, check.Complexity.LOW, "skin heals", ("nurse visits",)
    ),
    best_interests=True,
    section_22=check.Section22Test(True, True),
    practitioner_registration="12A3456E",
)
FAILED_S22 = check.Section22Test(False, True)
WAITING = rules.Proposal(
    uuid.uuid4(),
    uuid.uuid4(),
    "iv-drug-administration",
    TaskCategory.SPECIALISED_MEDICATION,
    Direction.HEALTH_TO_SOCIAL,
    Setting.OWN_HOME,
    ProposalState.AWAITING_SHARED_CARE,
)
NURSE = rules.Practitioner(ProfessionalBody.NMC, "12A3456E", True)
SOCIAL_WORKER = rules.Practitioner(ProfessionalBody.SWE, "SW123456", True)


def rule_of(case: check.Case) -> str | None:
    found = check.refusal(case)
    return None if found is None else found.rule


def test_r10_an_absolute_entry_is_refused_for_health_to_social() -> None:
    assert rule_of(replace(CASE, task=IV)) == "R10"
    with pytest.raises(RuleViolation) as refused:
        rules.check_proposal(IV, Direction.HEALTH_TO_SOCIAL, NURSE)
    assert refused.value.rule == "R10"


def test_r10_the_exclusive_remit_of_adult_social_care_never_goes_to_health() -> None:
    case = replace(CASE, task=SAFEGUARDING, direction=Direction.SOCIAL_TO_HEALTH)
    assert rule_of(case) == "R10"
    with pytest.raises(RuleViolation) as refused:
        rules.check_proposal(SAFEGUARDING, Direction.SOCIAL_TO_HEALTH, SOCIAL_WORKER)
    assert refused.value.rule == "R10"


def test_r1_r10_a_delegable_social_care_task_may_go_to_health() -> None:
    case = replace(CASE, task=WASHING, direction=Direction.SOCIAL_TO_HEALTH, section_22=None)
    assert check.refusal(case) is None
    assert check.check(case) == check.Terms(None, None)


def test_r1_a_social_care_task_is_not_delegated_health_to_social() -> None:
    assert rule_of(replace(CASE, task=WASHING)) == "R1"


def test_r10_a_removed_entry_is_refused_on_every_route() -> None:
    assert rule_of(replace(CASE, task=replace(CREAM, active=False))) == "R10"


def test_r10_case_by_case_needs_a_recorded_clinical_justification() -> None:
    assert rule_of(replace(CASE, task=WOUND)) == "R10"
    assert rule_of(replace(CASE, task=WOUND, clinical_justification="  ")) == "R10"
    assert rule_of(replace(CASE, task=WOUND, clinical_justification="stable; TVN plan")) is None


def test_r9_the_mdt_needs_a_health_and_a_social_care_practitioner() -> None:
    nurses = (check.Member(check.Discipline.REGISTERED_NURSE, "LPT"),)
    assert rule_of(replace(CASE, members=nurses)) == "R9"


def test_r11_a_health_to_social_delegation_must_record_the_section_22_test() -> None:
    assert rule_of(replace(CASE, section_22=None)) == "R11"


@pytest.mark.parametrize(
    "failed", [check.Section22Test(False, True), check.Section22Test(True, False)]
)
def test_r11_a_failed_section_22_test_does_not_refuse_it_changes_who_funds(
    failed: check.Section22Test,
) -> None:
    assert check.check(replace(CASE, section_22=failed)) == check.Terms(
        False, check.FundingBasis.NHS_FUNDED
    )
    joint = replace(CASE, section_22=failed, section_22_funding=check.FundingBasis.JOINT_PACKAGE)
    assert check.check(joint) == check.Terms(False, check.FundingBasis.JOINT_PACKAGE)


def test_r11_a_passed_section_22_test_is_recorded_with_no_funding_change() -> None:
    assert check.check(CASE) == check.Terms(True, None)


@given(st.booleans(), st.booleans(), st.sampled_from(check.FundingBasis))
def test_r11_when_the_test_fails_the_council_is_never_the_funder(
    incidental: bool, of_a_nature: bool, asked: check.FundingBasis
) -> None:
    case = replace(
        CASE, section_22=check.Section22Test(incidental, of_a_nature), section_22_funding=asked
    )
    terms = check.check(case)
    assert terms.section_22_met is (incidental and of_a_nature)
    assert (terms.funding is not None) is (not terms.section_22_met)


def test_r12_best_interests_a_watched_condition_and_a_managed_risk() -> None:
    unstable = replace(CASE.risk, stability=check.Stability.UNSTABLE)
    assert rule_of(replace(CASE, best_interests=False)) == "R12"
    assert rule_of(replace(CASE, risk=unstable)) == "R12"
    assert rule_of(replace(CASE, risk=replace(CASE.risk, mitigations=()))) == "R12"


def test_r13_the_accountable_practitioner_must_be_on_record() -> None:
    assert rule_of(replace(CASE, practitioner_registration=" ")) == "R13"


def test_r10_r14_shared_care_delegate_that_fails_the_check_refuses_naming_the_rule() -> None:
    refusal = check.refusal(replace(CASE, task=IV))
    transition = rules.apply_shared_care(WAITING, SharedCareDecision.DELEGATE, 1, TODAY, refusal)
    assert transition is not None
    assert transition.state is ProposalState.REFUSED
    [decided] = transition.events
    assert isinstance(decided, DelegationDecided)
    assert (decided.outcome, decided.rule) == (DecisionOutcome.REFUSED, "R10")


def test_r14_shared_care_do_not_delegate_carries_no_rule() -> None:
    refusal = check.refusal(replace(CASE, task=IV))
    transition = rules.apply_shared_care(
        WAITING, SharedCareDecision.DO_NOT_DELEGATE, 1, TODAY, refusal
    )
    assert transition is not None
    [decided] = transition.events
    assert isinstance(decided, DelegationDecided)
    assert (decided.outcome, decided.rule) == (DecisionOutcome.REFUSED, None)


def test_r9_r12_the_mdt_route_uses_the_same_check() -> None:
    proposal = replace(WAITING, task_code="topical-cream", state=ProposalState.SUBMITTED)
    proposal = replace(proposal, practitioner_registration="12A3456E")
    approval = rules.MdtDecision(
        outcome=DecisionOutcome.APPROVED,
        members=CASE.members,
        risk=CASE.risk,
        best_interests=False,
        section_22=FAILED_S22,
        recorded_by="LPT",
    )
    with pytest.raises(RuleViolation) as refused:
        rules.decide(proposal, CREAM, approval, 1, TODAY)
    assert refused.value.rule == "R12"
    assert rules.decide(proposal, CREAM, replace(approval, best_interests=True), 1, TODAY).events


# Every route, on real PostgreSQL: the Shared Care decision and a review that continues the task.


def shared_care(
    proposal_id: str,
    person_id: uuid.UUID,
    decision: SharedCareDecision = SharedCareDecision.DELEGATE,
    task_code: str = "peg-feeding",
    rationale: str = "stable feeding regime",
) -> SharedCareDecisionRecorded:
    return shared_care_decided(
        proposal_id,
        person_id,
        decision=decision,
        rationale=rationale,
        task_code=task_code,
        category=TaskCategory.FEEDING_AND_DIGESTIVE,
    )


async def given_no_consensus(
    client: AsyncClient, person_id: uuid.UUID, task_code: str = "peg-feeding", **overrides: Any
) -> str:
    proposal_id = await given_proposal(client, person_id, task_code=task_code)
    body = given_decision_body(
        outcome="no_consensus", question="delegate?", positions=["yes", "no"], **overrides
    )
    response = await client.post(f"/proposals/{proposal_id}/decision", json=body, headers=MDT)
    assert response.status_code == 201, response.text
    await given_relationships(runtime_of(client))
    return proposal_id


def nurse_only(task_code: str, effective_from: date = TODAY) -> TaskCatalogueChanged:
    return TaskCatalogueChanged(
        subject_id=f"task-{task_code}",
        ruling_id=uuid.uuid4(),
        change=CatalogueChange.CHANGED,
        task_code=task_code,
        name=task_code,
        category=TaskCategory.FEEDING_AND_DIGESTIVE,
        delegability=Delegability.NEVER,
        effective_from=effective_from,
    )


async def delegations_of(runtime: Runtime, proposal_id: str) -> list[Delegation]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(Delegation).where(Delegation.proposal_id == uuid.UUID(proposal_id))
        )
        return list(rows.all())


async def test_r10_r14_a_shared_care_delegate_on_a_nurse_only_task_creates_no_delegation(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_no_consensus(client, person_id)
        await deliver(runtime, nurse_only("peg-feeding"))  # ruled nurse-only meanwhile
        decided = shared_care(proposal_id, person_id)
        await deliver(runtime, decided, decided)  # a second delivery changes nothing
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
        events = await published(runtime, DelegationDecided)
        delegations = await delegations_of(runtime, proposal_id)
    assert (proposal["status"], proposal["refused_rule"]) == ("refused", "R10")
    assert proposal["delegation_id"] is None
    assert delegations == []
    assert [(e.outcome, e.rule) for e in events if isinstance(e, DelegationDecided)] == [
        (DecisionOutcome.NO_CONSENSUS, None),
        (DecisionOutcome.REFUSED, "R10"),
    ]


async def test_r12_r14_a_shared_care_delegate_on_an_unstable_condition_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        risk = given_decision_body()["risk"] | {"stability": "unstable"}
        proposal_id = await given_no_consensus(client, person_id, risk=risk)
        await deliver(runtime, shared_care(proposal_id, person_id))
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
    assert (proposal["status"], proposal["refused_rule"]) == ("refused", "R12")


async def test_r11_r14_a_shared_care_delegate_without_the_section_22_test_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_no_consensus(client, person_id, section_22=None)
        await deliver(runtime, shared_care(proposal_id, person_id))
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
    assert (proposal["status"], proposal["refused_rule"]) == ("refused", "R11")


async def test_r10_r11_r14_shared_care_may_delegate_a_case_by_case_task_it_justifies(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        failed = {
            "merely_incidental_or_ancillary": False,
            "of_a_nature_a_local_authority_could_provide": False,
        }
        proposal_id = await given_no_consensus(
            client, person_id, task_code="oral-suction", section_22=failed
        )
        await deliver(
            runtime,
            shared_care(proposal_id, person_id, task_code="oral-suction", rationale="SALT plan"),
        )
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
        [delegation] = await delegations_of(runtime, proposal_id)
    assert (proposal["status"], proposal["refused_rule"]) == ("approved", None)
    assert (delegation.section_22_met, delegation.funding_basis) == (False, "nhs_funded")


def reassessment(**overrides: Any) -> dict[str, Any]:
    decision = given_decision_body()
    body = {k: decision[k] for k in ("members", "risk", "best_interests", "section_22")}
    return body | overrides


async def given_review(
    client: AsyncClient, runtime: Runtime, live_id: str, person_id: uuid.UUID, significant: bool
) -> str:
    change = NeedChanged(
        person_id=person_id, change_id=uuid.uuid4(), significant=significant, recorded_on=TODAY
    )
    await deliver(runtime, change)
    reviews = (await client.get(f"/delegations/{live_id}/reviews", headers=MDT)).json()["items"]
    return str(reviews[0]["id"])


async def test_r10_r26_a_review_cannot_continue_a_task_ruled_nurse_only_since(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        review_id = await given_review(client, runtime, live.delegation_id, live.person_id, False)
        await deliver(runtime, nurse_only("topical-cream"))
        go_on = await client.post(
            f"/reviews/{review_id}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        end = await client.post(
            f"/reviews/{review_id}/outcome",
            json={"outcome": "end", "notes": "a registered nurse only now"},
            headers=MDT,
        )
    assert go_on.status_code == 422
    assert go_on.json()["rule"] == "R10"
    assert end.status_code == 200


async def test_r10_r26_a_ruling_that_a_task_is_nurse_only_puts_each_running_delegation_to_review(
    service_client: ServiceClient,
) -> None:
    """The ruling reaches the people already receiving the task: an MDT review is due the day it
    takes effect, the task goes on meanwhile (care never drops), and the review can only end it."""
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        ruled = nurse_only("topical-cream")
        await deliver(runtime, ruled, ruled)  # a redelivery (a new event id) raises no second
        renamed = ruled.model_copy(update={"ruling_id": uuid.uuid4(), "name": "renamed only"})
        await deliver(runtime, renamed)
        reviews = (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        ).json()["items"]
        due = [e for e in await published(runtime, ReviewDue) if isinstance(e, ReviewDue)]
        delegation = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        url = f"/reviews/{reviews[0]['id']}/outcome"
        without = await client.post(url, json={"outcome": "continue"}, headers=MDT)
        go_on = await client.post(
            url, json={"outcome": "continue", "reassessment": reassessment()}, headers=MDT
        )
        end = await client.post(
            url, json={"outcome": "end", "notes": "a registered nurse only now"}, headers=MDT
        )
        handbacks = await given_handbacks(client, live.delegation_id)
    assert [(r["reason"], r["due_date"], r["mdt_reassessment"]) for r in reviews] == [
        ("catalogue_ruling", TODAY.isoformat(), True)
    ]
    assert [e.reason for e in due] == [ReviewReason.CATALOGUE_RULING]
    assert delegation["status"] == "live"
    assert without.json()["errors"][0]["field"] == "reassessment"
    assert (go_on.status_code, go_on.json()["rule"]) == (422, "R10")
    assert end.status_code == 200
    assert len(handbacks) == 1  # the task goes back to Health, not to nobody


async def test_r8_r12_a_significant_change_needs_a_reassessment_that_passes_the_check(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        review_id = await given_review(client, runtime, live.delegation_id, live.person_id, True)
        url = f"/reviews/{review_id}/outcome"
        without = await client.post(url, json={"outcome": "continue"}, headers=MDT)
        unstable = reassessment(risk=given_decision_body()["risk"] | {"stability": "unstable"})
        refused = await client.post(
            url, json={"outcome": "continue", "reassessment": unstable}, headers=MDT
        )
        failed = {
            "merely_incidental_or_ancillary": True,
            "of_a_nature_a_local_authority_could_provide": False,
        }
        passed = await client.post(
            url,
            json={"outcome": "continue", "reassessment": reassessment(section_22=failed)},
            headers=MDT,
        )
        async with runtime.sessions() as session:
            delegation = await session.get(Delegation, uuid.UUID(live.delegation_id))
    assert delegation is not None
    assert without.json()["errors"][0]["field"] == "reassessment"
    assert refused.json()["rule"] == "R12"
    assert passed.status_code == 200
    assert (delegation.section_22_met, delegation.funding_basis) == (False, "nhs_funded")


async def test_r29_a_review_outcome_records_the_framework_version(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        review_id = await given_review(client, runtime, live.delegation_id, live.person_id, False)
        await deliver(
            runtime,
            FrameworkVersionPublished(
                subject_id="v2", version=2, effective_from=date(2026, 1, 1), summary="v2"
            ),
        )
        done = await client.post(
            f"/reviews/{review_id}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        completed = await published(runtime, ReviewCompleted)
    assert done.json()["framework_version"] == 2
    assert [e.framework_version for e in completed if isinstance(e, ReviewCompleted)] == [2]
