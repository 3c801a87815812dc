"""FHIR R4 UK Core views of delegations: every resource validated with the R4B models of
`fhir.resources`; search, paging, relationships and errors as OperationOutcome."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.fhir import TASK_STATUS, TaskStatus, states_for, task_status
from services.delegation.main import SPEC as DELEGATION
from shared.audit import audit_log
from shared.auth import Role
from shared.events.assessment import NeedChanged
from shared.events.governance import OrganisationRegistered
from shared.events.vocabulary import OrganisationKind
from shared.fhir import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PROVIDER,
    given_approved,
    given_live,
    given_person,
    withdrawn,
)
from tests.fhir.validation import entries, fhir_body, link, outcome

R4 = "/fhir/R4"
UNRELATED = bearer(Role.MDT_MEMBER, "UHL")  # no relationship with anyone these tests make
OTHER_PROVIDER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-OTHER")


# ----------------------------------------------------------------------------------------------
# The lifecycle as FHIR Task status (pure)


def test_every_delegation_state_has_a_task_status() -> None:
    assert set(TASK_STATUS) == set(DelegationState)


def test_an_ended_delegation_completed_if_it_ran_else_cancelled() -> None:
    assert task_status(DelegationState.ENDED, started=True) is TaskStatus.COMPLETED
    assert task_status(DelegationState.ENDED, started=False) is TaskStatus.CANCELLED
    assert (DelegationState.ENDED, False) in states_for(TaskStatus.CANCELLED)
    assert states_for(TaskStatus.IN_PROGRESS) == [(DelegationState.LIVE, None)]


# ----------------------------------------------------------------------------------------------
# Resources


async def test_r13_r17_live_task_is_a_uk_core_task_for_the_patient_owned_by_the_provider(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)

        task = fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=MDT))

    assert task["status"] == "in-progress"
    assert task["businessStatus"]["coding"][0]["code"] == "live"
    assert task["intent"] == "order"
    assert task["for"] == {"reference": f"Patient/{live.person_id}"}
    assert task["owner"] == {"reference": f"Organization/{PROVIDER}"}
    assert task["focus"] == {"reference": f"CarePlan/{live.person_id}"}
    assert task["requester"]["reference"].startswith("PractitionerRole/")
    assert "start" in task["restriction"]["period"]
    inputs = {i["type"]["text"]: i for i in task["input"]}
    assert inputs["frequency"]["valueString"] == "twice a day"
    gates = {o["type"]["coding"][0]["code"]: o["valueBoolean"] for o in task["output"]}
    assert gates == dict.fromkeys(
        ["provider_acceptance", "consent", "competence", "training_plan", "clinical_oversight"],
        True,
    )
    assert "note" not in task


async def test_r7_r18_withdrawn_consent_puts_the_task_on_hold_and_ending_completes_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, withdrawn(live))
        held = fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=MDT))
        ended = await client.post(
            f"/delegations/{live.delegation_id}/end",
            json={"reason_code": "need_met"},
            headers=MDT,
        )
        assert ended.status_code == 200, ended.text
        done = fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=MDT))
        team = fhir_body(await client.get(f"{R4}/CareTeam/{live.delegation_id}", headers=MDT))

    assert (held["status"], held["businessStatus"]["text"]) == ("on-hold", "suspended")
    consent_gate = next(o for o in held["output"] if o["type"]["coding"][0]["code"] == "consent")
    assert consent_gate["valueBoolean"] is False
    assert (done["status"], done["businessStatus"]["text"]) == ("completed", "ended")
    assert "end" in done["executionPeriod"]
    assert team["status"] == "inactive"


async def test_a_break_glass_read_of_a_task_is_audited_as_such(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        glass = bearer(Role.REGISTERED_PRACTITIONER, "UHL") | {
            "X-Break-Glass-Reason": "admitted unconscious to the ward"
        }
        task = fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=glass))
        async with runtime.sessions() as session:
            purposes = (
                await session.scalars(
                    select(audit_log.c.purpose).where(
                        audit_log.c.person_id == str(live.person_id),
                        audit_log.c.organisation == "UHL",
                    )
                )
            ).all()

    assert task["id"] == live.delegation_id
    assert purposes == ["break_glass"]


async def test_r15_task_awaiting_the_provider_is_requested_and_notes_what_it_waits_for(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)

        task = fhir_body(await client.get(f"{R4}/Task/{delegation_id}", headers=MDT))

    assert task["status"] == "requested"
    assert "focus" not in task  # not on the support plan until it goes live
    assert any(not o["valueBoolean"] for o in task["output"])
    assert task["note"], task


async def test_r13_requester_practitioner_role_and_practitioner_carry_the_registration(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        task = fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=MDT))

        role = fhir_body(await client.get(f"{R4}/{task['requester']['reference']}", headers=MDT))
        practitioner = fhir_body(
            await client.get(f"{R4}/{role['practitioner']['reference']}", headers=MDT)
        )
        unknown = await client.get(f"{R4}/Practitioner/NMC-00000000", headers=MDT)

    assert role["resourceType"] == "PractitionerRole"
    assert role["organization"] == {"reference": "Organization/LPT"}
    assert practitioner["identifier"] == [
        {"system": "https://fhir.hl7.org.uk/Id/nmc-number", "value": "12A3456E"}
    ]
    outcome(unknown, 404)


async def test_r2_organizations_carry_their_national_ods_code(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        trust = fhir_body(await client.get(f"{R4}/Organization/LPT", headers=MDT))
        icb = fhir_body(await client.get(f"{R4}/Organization/LLR-ICB", headers=MANAGER))
        by_ods = fhir_body(
            await client.get(
                f"{R4}/Organization", params={"identifier": f"{ODS_SYSTEM}|QK1"}, headers=MDT
            )
        )
        missing = await client.get(f"{R4}/Organization/NOT-A-PARTNER", headers=MDT)

    assert {"system": ODS_SYSTEM, "value": "RT5"} in trust["identifier"]
    assert {"system": ODS_SYSTEM, "value": "QK1"} in icb["identifier"]
    assert {o["id"] for o in entries(by_ods, "Organization")} >= {"LLR-ICB"}
    assert all({"system": ODS_SYSTEM, "value": "QK1"} in o["identifier"] for o in entries(by_ods))
    outcome(missing, 404)


async def test_r2_an_organisation_registered_by_governance_reads_with_its_ods_code(
    service_client: ServiceClient,
) -> None:
    registered = OrganisationRegistered(
        subject_id="SUNSET-CARE",
        ods_code="SUNSET-CARE",
        name="Sunset Care",
        kind=OrganisationKind.CARE_PROVIDER,
        ipcb_member=False,
        effective_from=date(2026, 1, 5),
        national_ods_code="ZZ9001",
    )
    async with service_client(DELEGATION) as (client, runtime):
        await deliver(runtime, registered)
        found = fhir_body(await client.get(f"{R4}/Organization/SUNSET-CARE", headers=MDT))

    assert found["identifier"][0] == {"system": ODS_SYSTEM, "value": "ZZ9001"}
    assert found["name"] == "Sunset Care"


async def test_r9_r17_care_team_has_the_mdt_disciplines_and_the_oversight_owner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)

        team = fhir_body(await client.get(f"{R4}/CareTeam/{live.delegation_id}", headers=MDT))
        found = fhir_body(
            await client.get(
                f"{R4}/CareTeam", params={"patient": f"Patient/{live.person_id}"}, headers=MDT
            )
        )

    roles = {(p["role"][0]["text"], p["member"]["reference"]) for p in team["participant"]}
    assert ("registered_nurse", "Organization/LPT") in roles
    assert ("social_worker", f"Organization/{CITY}") in roles
    oversight = [m for r, m in roles if r.startswith("clinical oversight owner")]
    assert oversight == ["Organization/LPT"]
    assert team["managingOrganization"] == [{"reference": "Organization/LPT"}]
    assert team["subject"] == {"reference": f"Patient/{live.person_id}"}
    assert [t["id"] for t in entries(found, "CareTeam")] == [live.delegation_id]


async def test_r29_provenance_of_the_mdt_decision_names_the_framework_version(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)

        found = fhir_body(
            await client.get(
                f"{R4}/Provenance", params={"target": f"Task/{live.delegation_id}"}, headers=MDT
            )
        )
        [decision] = entries(found, "Provenance")
        read = fhir_body(await client.get(f"{R4}/Provenance/{decision['id']}", headers=MDT))
        hidden = await client.get(f"{R4}/Provenance/{decision['id']}", headers=UNRELATED)

    assert read == decision
    assert {"reference": f"Task/{live.delegation_id}"} in decision["target"]
    assert decision["policy"][0].startswith("urn:llr-ipc:framework:version:")
    assert decision["activity"]["text"] == "mdt decision: approved"
    attesters = {a["who"].get("reference") for a in decision["agent"]}
    assert {"Organization/LPT", f"Organization/{CITY}"} <= attesters
    outcome(hidden, 404)


async def test_r26_r29_a_completed_review_is_a_provenance_of_the_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            NeedChanged(
                person_id=live.person_id,
                change_id=uuid.uuid4(),
                significant=False,
                recorded_on=date(2026, 1, 5),
            ),
        )
        [review] = (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        ).json()["items"]
        done = await client.post(
            f"/reviews/{review['id']}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        assert done.status_code == 200, done.text
        found = fhir_body(
            await client.get(
                f"{R4}/Provenance", params={"patient": str(live.person_id)}, headers=MDT
            )
        )
        read = fhir_body(await client.get(f"{R4}/Provenance/{review['id']}", headers=MDT))

    assert [p["activity"]["text"].split(":")[0] for p in entries(found, "Provenance")] == [
        "mdt decision",
        f"review ({review['reason']})",
    ]
    assert read["id"] == review["id"]
    assert read["target"][0] == {"reference": f"Task/{live.delegation_id}"}
    assert read["policy"][0].startswith("urn:llr-ipc:framework:version:")


async def test_capability_statement_lists_what_the_service_serves(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        statement = fhir_body(await client.get(f"{R4}/metadata", headers=MDT))

    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(served) == {
        "Task",
        "CareTeam",
        "Provenance",
        "Practitioner",
        "PractitionerRole",
        "Organization",
    }
    assert "searchParam" not in served["Practitioner"]  # read only
    assert {p["name"] for p in served["Task"]["searchParam"]} >= {
        "patient",
        "status",
        "owner",
        "_lastUpdated",
        "_count",
    }


# ----------------------------------------------------------------------------------------------
# Search and paging


async def test_task_search_by_patient_status_owner_and_last_updated(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        patient = f"Patient/{live.person_id}"
        today = runtime.clock.now().date()

        async def ids(**params: str) -> list[str]:
            bundle = fhir_body(
                await client.get(f"{R4}/Task", params={"patient": patient, **params}, headers=MDT)
            )
            return [t["id"] for t in entries(bundle, "Task")]

        assert await ids() == [live.delegation_id]
        assert await ids(status="in-progress") == [live.delegation_id]
        assert await ids(status="requested,on-hold") == []
        assert await ids(owner=f"Organization/{PROVIDER}") == [live.delegation_id]
        assert await ids(owner="Organization/PROVIDER-OTHER") == []
        assert await ids(_lastUpdated=f"ge{today.isoformat()}") == [live.delegation_id]
        assert await ids(_lastUpdated=f"lt{(today - timedelta(days=1)).isoformat()}") == []


async def test_task_search_pages_with_count_and_a_next_link(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        made = {await given_approved(client, person_id) for _ in range(3)}

        seen: list[str] = []
        url: str | None = f"{R4}/Task?patient={person_id}&_count=2"
        pages = 0
        while url is not None:
            bundle = fhir_body(await client.get(url, headers=MDT))
            assert bundle["total"] == 3
            seen += [t["id"] for t in entries(bundle, "Task")]
            url = link(bundle, "next")
            pages += 1

    assert pages == 2
    assert sorted(seen) == sorted(made)


# ----------------------------------------------------------------------------------------------
# Relationships, roles and errors


async def test_r2_an_unrelated_organisation_neither_reads_nor_finds_the_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)

        read = await client.get(f"{R4}/Task/{live.delegation_id}", headers=UNRELATED)
        team = await client.get(f"{R4}/CareTeam/{live.delegation_id}", headers=UNRELATED)
        other_provider = await client.get(f"{R4}/Task/{live.delegation_id}", headers=OTHER_PROVIDER)
        searched = fhir_body(
            await client.get(
                f"{R4}/Task", params={"patient": str(live.person_id)}, headers=UNRELATED
            )
        )
        ipcb = await client.get(
            f"{R4}/Task/{live.delegation_id}", headers=bearer(Role.IPCB_MEMBER, "LLR-IPCB")
        )

    outcome(read, 404)
    outcome(team, 404)
    outcome(other_provider, 404)
    assert searched["total"] == 0
    assert entries(searched) == []
    outcome(ipcb, 403)


async def test_fhir_reads_of_a_person_are_audited_like_the_json_api(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        fhir_body(await client.get(f"{R4}/Task/{live.delegation_id}", headers=MDT))
        fhir_body(await client.get(f"{R4}/Task", params={"owner": PROVIDER}, headers=MANAGER))
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.organisation).where(
                        audit_log.c.person_id == str(live.person_id)
                    )
                )
            ).all()

    assert ("read.fhir.Task", "LLR-ICB") in rows
    assert ("read.fhir.Task", PROVIDER) in rows


async def test_bad_search_input_is_an_operation_outcome_400_never_a_server_error(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        for params in (
            {"colour": "blue"},
            {"status": "done"},
            {"patient": "Patient/not-a-uuid"},
            {"patient": "Patient/!!"},
            {"_count": "0"},
            {"_count": "many"},
            {"_lastUpdated": "ge2026-13-45"},
            {"_lastUpdated": "yesterday"},
            {"owner": "Organization/ä"},
        ):
            response = await client.get(f"{R4}/Task", params=params, headers=MDT)
            assert outcome(response, 400), params
        nul = await client.get(f"{R4}/Organization", params={"_id": "a\x00b"}, headers=MDT)
        provenance = await client.get(f"{R4}/Provenance", headers=MDT)
        bad_id = await client.get(f"{R4}/Task/not-a-uuid", headers=MDT)
        anonymous = await client.get(f"{R4}/Task")

    outcome(nul, 400)  # PostgreSQL refuses the value: the input's fault, still FHIR
    outcome(provenance, 400)
    outcome(bad_id, 400)
    outcome(anonymous, 401)


def test_the_nhs_number_system_is_the_national_one() -> None:
    assert NHS_NUMBER_SYSTEM == "https://fhir.nhs.uk/Id/nhs-number"
