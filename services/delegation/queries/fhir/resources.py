"""The delegation service's records as FHIR R4 UK Core resources: Task, CareTeam, Practitioner,
PractitionerRole and Provenance. References are relative: Patient, CarePlan and Consent are
served by assessment's `/fhir/R4`, the rest here (Organization by every service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.fhir import task_status
from services.delegation.domain.gates import GateState
from services.delegation.models import Decision, Delegation, Proposal, Review
from shared.fhir import (
    Resource,
    coding,
    concept,
    day,
    framework_policy,
    identifier,
    instant,
    meta,
    platform_identifier,
    reference,
    start_of,
)

STATE_SYSTEM = "urn:llr-ipc:delegation-state"
TASK_CODES = "urn:llr-ipc:task-catalogue"
GATE_SYSTEM = "urn:llr-ipc:readiness-gate"
PARTICIPANT_TYPES = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
# UK Core's identifier systems for professional registers; Social Work England has none yet.
REGISTERS = {
    "NMC": ("https://fhir.hl7.org.uk/Id/nmc-number", "Nursing and Midwifery Council"),
    "HCPC": ("https://fhir.hl7.org.uk/Id/hcpc-number", "Health and Care Professions Council"),
    "GMC": ("https://fhir.hl7.org.uk/Id/gmc-number", "General Medical Council"),
    "GPhC": ("https://fhir.hl7.org.uk/Id/gphc-number", "General Pharmaceutical Council"),
    "SWE": ("urn:llr-ipc:id:swe-number", "Social Work England"),
}


def practitioner_id(body: str, registration_number: str) -> str:
    """`NMC-12A3456E`: the register and the number (neither holds anything but [A-Za-z0-9-])."""
    return f"{body}-{registration_number}"


def task(
    delegation: Delegation,
    task_name: str | None,
    gates: Sequence[GateState],
    instructed: Sequence[tuple[UUID, date]],
) -> Resource:
    """A delegated task (R13, R15-R18): its lifecycle, who asked and who carries it out, its
    instructions as input and its readiness gates as output."""
    state = DelegationState(delegation.status)
    found: Resource = {
        "resourceType": "Task",
        "id": str(delegation.id),
        "meta": meta("Task", delegation.updated_at or delegation.created_at, delegation.version),
        "identifier": [platform_identifier("delegation", delegation.id)],
        "status": task_status(state, delegation.start_date is not None).value,
        "businessStatus": concept(state.value, coding(STATE_SYSTEM, state.value)),
        "intent": "order",
        "priority": "routine",
        "code": concept(
            task_name or delegation.task_code, coding(TASK_CODES, delegation.task_code)
        ),
        "description": f"{task_name or delegation.task_code}: {delegation.frequency}",
        "for": reference("Patient", delegation.person_id),
        "authoredOn": instant(delegation.created_at),
        "lastModified": instant(delegation.updated_at or delegation.created_at),
        "requester": reference("PractitionerRole", delegation.proposal_id),
        "owner": reference("Organization", delegation.provider_organisation),
        "input": _instructions(delegation, instructed),
        "output": [_gate(g) for g in gates],
    }
    if delegation.start_date is not None:  # on the support plan from the day it goes live
        found["focus"] = reference("CarePlan", delegation.person_id)
        found["restriction"] = {"period": _period(delegation)}
        found["executionPeriod"] = _period(delegation)
    if waiting := [g.waiting_for for g in gates if not g.green and g.waiting_for]:
        found["note"] = [{"text": f"Waiting for: {w}"} for w in waiting]
    return found


def _period(delegation: Delegation) -> Resource:
    period: Resource = {}
    if delegation.start_date is not None:
        period["start"] = day(delegation.start_date)
    if delegation.ended_on is not None:
        period["end"] = day(delegation.ended_on)
    return period


def _input(kind: str, **value: Any) -> Resource:
    return {"type": concept(kind), **value}


def _instructions(
    delegation: Delegation, instructed: Sequence[tuple[UUID, date]]
) -> list[Resource]:
    """What the workers are asked to do, where, and how they reach the oversight owner (R17);
    for a task needing no specific training, each worker's recorded instruction (A 5.13)."""
    found = [
        _input("frequency", valueString=delegation.frequency),
        _input("setting", valueString=delegation.setting),
        _input("contact arrangements (R17)", valueString=delegation.contact_arrangements),
        _input(
            "additional commissioned minutes per week (R19)",
            valueInteger=delegation.additional_minutes_per_week,
        ),
    ]
    found += [
        _input(f"instruction recorded for worker {worker} (A 5.13)", valueDate=day(on))
        for worker, on in instructed
    ]
    return found


def _gate(gate: GateState) -> Resource:
    return {
        "type": concept(f"{gate.gate.value} ({gate.rule})", coding(GATE_SYSTEM, gate.gate.value)),
        "valueBoolean": gate.green,
    }


def care_team(delegation: Delegation, decision: Decision | None) -> Resource:
    """R9, R13, R17: the MDT that decided (members' disciplines and organisations), the
    delegating practitioner, the provider and the clinical oversight owner."""
    members = (decision.record.get("members", []) if decision else []) or []
    participants = [
        {
            "role": [concept(str(m.get("discipline", "member")))],
            "member": reference("Organization", m.get("organisation")),
        }
        for m in members
        if m.get("organisation")
    ]
    participants.append(
        {
            "role": [concept("delegating registered practitioner (R13)")],
            "member": reference("PractitionerRole", delegation.proposal_id),
        }
    )
    participants.append(
        {
            "role": [concept("provider accountable for carrying out the task (R13, R15)")],
            "member": reference("Organization", delegation.provider_organisation),
        }
    )
    found: Resource = {
        "resourceType": "CareTeam",
        "id": str(delegation.id),
        "meta": meta("CareTeam", delegation.updated_at or delegation.created_at),
        "identifier": [platform_identifier("delegation", delegation.id)],
        "status": "inactive" if delegation.status == DelegationState.ENDED else "active",
        "name": f"MDT and oversight for delegated task {delegation.task_code}",
        "subject": reference("Patient", delegation.person_id),
        "participant": participants,
    }
    if delegation.oversight_owner:
        participants.append(
            {
                "role": [concept(f"clinical oversight owner (R17): {delegation.oversight_kind}")],
                "member": reference("Organization", delegation.oversight_owner),
            }
        )
        found["managingOrganization"] = [reference("Organization", delegation.oversight_owner)]
    if decision is not None:
        found["period"] = {"start": day(decision.decided_on)}
    return found


def practitioner(body: str, registration_number: str) -> Resource:
    """R13: the delegating practitioner, known by their professional registration only."""
    system, register = REGISTERS.get(body, (f"urn:llr-ipc:id:{body.lower()}-number", body))
    return {
        "resourceType": "Practitioner",
        "id": practitioner_id(body, registration_number),
        "meta": meta("Practitioner", None),
        "identifier": [identifier(system, registration_number)],
        "active": True,
        "qualification": [
            {
                "identifier": [identifier(system, registration_number)],
                "code": concept(f"registered with the {register}"),
                "issuer": {"display": register},
            }
        ],
    }


def practitioner_role(proposal: Proposal) -> Resource:
    """R13: the practitioner as the delegating, accountable professional of one proposal."""
    found: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(proposal.id),
        "meta": meta("PractitionerRole", None),
        "identifier": [platform_identifier("proposal", proposal.id)],
        "active": True,
        "period": {"start": day(proposal.submitted_on)},
        "practitioner": reference(
            "Practitioner",
            practitioner_id(proposal.professional_body, proposal.registration_number),
        ),
        "code": [concept("delegating registered practitioner, accountable for the delegation")],
    }
    if proposal.proposed_by_organisation:
        found["organization"] = reference("Organization", proposal.proposed_by_organisation)
    return found


def decision_provenance(decision: Decision, delegation: Delegation) -> Resource:
    """R9, R14, R29: who decided the delegation, when, under which Framework version."""
    agents = [
        {
            "type": concept("author", coding(PARTICIPANT_TYPES, "author", "Author")),
            "who": {"identifier": platform_identifier("user", decision.decided_by)},
        }
    ]
    agents += [
        {
            "type": concept("attester", coding(PARTICIPANT_TYPES, "attester", "Attester")),
            "who": reference("Organization", organisation),
        }
        for organisation in (decision.organisations or [])
    ]
    return _provenance(
        str(decision.id),
        delegation,
        decision.decided_on,
        decision.framework_version,
        f"{decision.source} decision: {decision.outcome}",
        agents,
    )


def review_provenance(review: Review, delegation: Delegation) -> Resource:
    """R26, R29: a completed MDT review of the delegation."""
    assert review.completed_on is not None
    assert review.framework_version is not None
    agents = [
        {
            "type": concept("attester", coding(PARTICIPANT_TYPES, "attester", "Attester")),
            "who": reference("Organization", organisation),
        }
        for organisation in delegation.mdt_organisations
    ] or [{"who": reference("Organization", delegation.provider_organisation)}]
    return _provenance(
        str(review.id),
        delegation,
        review.completed_on,
        review.framework_version,
        f"review ({review.reason}): {review.outcome}",
        agents,
    )


def _provenance(
    provenance_id: str,
    delegation: Delegation,
    on: date,
    framework_version: int,
    activity: str,
    agents: list[Resource],
) -> Resource:
    return {
        "resourceType": "Provenance",
        "id": provenance_id,
        "meta": meta("Provenance", start_of(on)),
        "target": [reference("Task", delegation.id), reference("CareTeam", delegation.id)],
        "occurredDateTime": day(on),
        "recorded": instant(start_of(on)),
        "policy": [framework_policy(framework_version)],
        "activity": concept(activity),
        "agent": agents,
    }
