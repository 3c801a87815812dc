"""R28: equality monitoring over the nine protected characteristics; aggregates only."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.assessment.domain.equality import Measure, equality_rows
from services.assessment.domain.people import (
    CHARACTERISTICS,
    NOT_DECLARED,
    PREFER_NOT_TO_SAY,
    equality_profile,
)
from services.assessment.main import SPEC as ASSESSMENT
from shared.auth import Role
from shared.errors import InvalidInput
from shared.events.assessment import EqualityCount, EqualityReportCompiled
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    ProposalSubmitted,
    SharedCareRequested,
)
from shared.events.funding import DisputeRaised
from shared.events.governance import EqualityReportRequested
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.testing.events import deliver, message_for, published
from tests.assessment.conftest import AUDITOR, MDT, PRACTITIONER, given_person
from tests.conftest import ServiceClient, bearer

NINE = {
    "age",
    "disability",
    "gender_reassignment",
    "marriage_and_civil_partnership",
    "pregnancy_and_maternity",
    "race",
    "religion_or_belief",
    "sex",
    "sexual_orientation",
}
WOMAN = {"sex": "female", "race": PREFER_NOT_TO_SAY}


def cell(rows: list[EqualityCount], characteristic: str, value: str, measure: str) -> int | None:
    [found] = [
        r
        for r in rows
        if (r.characteristic, r.value, r.measure) == (characteristic, value, measure)
    ]
    return found.count


def test_r28_the_nine_protected_characteristics_are_monitored() -> None:
    assert set(CHARACTERISTICS) == NINE


def test_r28_undeclared_characteristics_say_so_and_prefer_not_to_say_is_an_answer() -> None:
    profile = equality_profile(WOMAN)
    assert profile["sex"] == "female"
    assert profile["race"] == PREFER_NOT_TO_SAY
    assert profile["religion_or_belief"] == NOT_DECLARED


def test_r28_an_unknown_value_names_the_characteristic() -> None:
    with pytest.raises(InvalidInput) as refused:
        equality_profile({"sex": "unknown-value"})
    assert refused.value.extensions["errors"][0]["field"] == "sex"


def test_r28_counts_under_five_are_suppressed_and_every_value_has_a_row() -> None:
    uses = [(Measure.PROPOSALS, equality_profile(WOMAN))] * 5 + [(Measure.REFUSALS, None)] * 4
    rows = equality_rows(uses)
    assert cell(rows, "sex", "female", "proposals") == 5
    assert cell(rows, "sex", NOT_DECLARED, "refusals") is None  # 4: suppressed
    assert cell(rows, "sex", "male", "proposals") is None  # 0: suppressed too
    assert cell(rows, "race", PREFER_NOT_TO_SAY, "proposals") == 5
    for characteristic in NINE:
        values = {r.value for r in rows if r.characteristic == characteristic}
        assert {PREFER_NOT_TO_SAY, NOT_DECLARED} <= values


async def test_r28_only_roles_that_need_it_read_the_equality_profile(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        url = f"/people/{person_id}/equality-profile"
        written = await client.put(url, json=WOMAN, headers=PRACTITIONER)
        practitioner = await client.get(url, headers=PRACTITIONER)
        auditor = await client.get(url, headers=AUDITOR)
        mdt = await client.get(url, headers=MDT)
        provider = await client.get(url, headers=bearer(Role.PROVIDER_MANAGER, "P1"))
        ipcb = await client.get(url, headers=bearer(Role.IPCB_MEMBER))
        bad = await client.put(url, json={"race": "martian"}, headers=PRACTITIONER)
        trail = await client.get("/audit", params={"subject": person_id}, headers=AUDITOR)
        unknown = await client.put(
            f"/people/{uuid.uuid4()}/equality-profile", json=WOMAN, headers=PRACTITIONER
        )
    assert written.status_code == 200
    assert practitioner.json()["characteristics"]["sex"] == "female"
    assert practitioner.json()["characteristics"]["age"] == NOT_DECLARED
    # Auditors see the trail, never a person's profile; the others have no need of it.
    assert auditor.status_code == mdt.status_code == provider.status_code == 403
    assert ipcb.status_code == 403
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "race"
    assert "person.equality_profile.declare" in [e["action"] for e in trail.json()["items"]]
    assert "female" not in trail.text  # the trail says a declaration was made, not what
    assert unknown.status_code == 404


def proposal(person_id: uuid.UUID, on: date) -> ProposalSubmitted:
    return ProposalSubmitted(
        person_id=person_id,
        proposal_id=uuid.uuid4(),
        task_code="steroid-cream",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        provider_organisation="PROVIDER-HOMECARE-1",
        additional_minutes_per_week=0,
        submitted_on=on,
    )


async def test_r28_the_report_counts_framework_use_per_characteristic_without_ids(
    service_client: ServiceClient,
) -> None:
    in_period = date(2026, 2, 1)
    async with service_client(ASSESSMENT) as (client, runtime):
        people = [uuid.UUID(await given_person(client)) for _ in range(6)]
        for person_id in people:
            await client.put(
                f"/people/{person_id}/equality-profile", json=WOMAN, headers=PRACTITIONER
            )
        proposals = [proposal(p, in_period) for p in people]
        for submitted in proposals:
            await deliver(runtime, submitted)
        repeated = message_for(proposals[0])
        await runtime.inbox.deliver(repeated)
        await deliver(runtime, proposals[0])  # told twice: counted once
        await deliver(runtime, proposal(people[0], date(2025, 1, 1)))  # outside the period
        for p in proposals[:5]:
            await deliver(
                runtime,
                DelegationDecided(
                    person_id=p.person_id,
                    proposal_id=p.proposal_id,
                    outcome=DecisionOutcome.APPROVED,
                    framework_version=1,
                    decided_on=in_period,
                ),
            )
        await deliver(
            runtime,
            SharedCareRequested(
                person_id=people[5],
                proposal_id=proposals[5].proposal_id,
                task_code="steroid-cream",
                category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
                direction=Direction.HEALTH_TO_SOCIAL,
                setting=Setting.OWN_HOME,
                question="q",
                positions=["a", "b"],
            ),
            DisputeRaised(
                person_id=people[5],
                dispute_id=uuid.uuid4(),
                package_id=uuid.uuid4(),
                raised_by="LLR-ICB",
                parties=["LLR-ICB", "LEICESTER-CITY-COUNCIL"],
                summary="s",
                raised_on=in_period,
            ),
        )
        request = EqualityReportRequested(
            subject_id="equality-2026-q1",
            report_id=uuid.uuid4(),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
        )
        await deliver(runtime, request, request)  # asked twice: compiled once
        reports = await published(runtime, EqualityReportCompiled)
    [report] = reports
    assert isinstance(report, EqualityReportCompiled)
    assert report.report_id == request.report_id
    assert cell(report.rows, "sex", "female", "proposals") == 6
    assert cell(report.rows, "sex", "female", "approvals") == 5
    assert cell(report.rows, "race", PREFER_NOT_TO_SAY, "approvals") == 5
    assert cell(report.rows, "sex", "female", "escalations") is None
    assert cell(report.rows, "sex", "female", "disputes") is None
    assert cell(report.rows, "age", NOT_DECLARED, "proposals") == 6
    text = report.model_dump_json()
    assert not any(str(p) in text for p in people)
    assert {r.characteristic for r in report.rows} == NINE


async def test_auditors_read_the_audit_trail_which_never_holds_the_nhs_number(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        response = await client.post(
            "/people",
            json={
                "nhs_number": "943 476 5919",
                "local_authority": "RUTLAND-COUNTY-COUNCIL",
                "gp_practice": "C82001",
                "setting": "registered_care_home",
                "open_to_community_health_services": False,
            },
            headers=PRACTITIONER,
        )
        person_id = response.json()["id"]
        trail = await client.get("/audit", params={"subject": person_id}, headers=AUDITOR)
        refused = await client.get("/audit", headers=PRACTITIONER)
    assert [e["action"] for e in trail.json()["items"]] == ["person.register"]
    assert trail.json()["items"][0]["organisation"] == "LPT"
    assert "9434765919" not in trail.text
    assert refused.status_code == 403
