"""FHIR R4 UK Core read views of delegations (`application/fhir+json`): Task, CareTeam,
Practitioner, PractitionerRole, Provenance, and Organization from the register. The same roles,
relationships and audit as the JSON API; errors are OperationOutcomes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.api.delegations import READERS
from services.delegation.domain.fhir import TaskStatus
from services.delegation.handlers import gates
from services.delegation.models import Decision, Delegation, Review
from services.delegation.queries import fhir as queries
from services.delegation.queries.fhir import resources
from shared import fhir
from shared.access import BreakGlass
from shared.auth import CurrentUser, admits
from shared.errors import InvalidInput
from shared.fhir import FhirResponse, Served
from shared.web import Session

SERVED = (
    Served(
        "Task",
        (
            ("patient", "reference"),
            ("status", "token"),
            ("owner", "reference"),
            ("_lastUpdated", "date"),
        ),
    ),
    Served("CareTeam", (("patient", "reference"), ("status", "token"), ("_lastUpdated", "date"))),
    Served("Provenance", (("patient", "reference"), ("target", "reference"))),
    Served("Practitioner"),
    Served("PractitionerRole"),
)
router = fhir.open_router("delegation", SERVED)
Patient = Annotated[str | None, Query(max_length=200, description="Patient/<id> or <id>")]


async def as_task(session: AsyncSession, delegation: Delegation) -> fhir.Resource:
    """The Task with each readiness gate's state today (R7, R15-R17, R24)."""
    return resources.task(
        delegation,
        await queries.task_name(session, delegation.task_code),
        await gates.gate_states(session, delegation),
        await queries.instructions(session, delegation.id),
    )


async def as_care_team(session: AsyncSession, delegation: Delegation) -> fhir.Resource:
    return resources.care_team(
        delegation, await queries.mdt_decision(session, delegation.proposal_id)
    )


def patient_of(patient: str | None) -> UUID | None:
    return None if patient is None else fhir.uuid_of(patient, "Patient", "patient")


@router.get("/Task/{task_id}", summary="FHIR Task (UKCore-Task): a delegated task")
async def fhir_read_task(
    task_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """The delegated task: lifecycle as status and businessStatus, for the Patient, requested
    by the delegating PractitionerRole, owned by the provider, its gates as output."""
    delegation = await queries.delegation(session, user, task_id, break_glass, "fhir.Task")
    return FhirResponse(await as_task(session, delegation))


@router.get("/Task", summary="Search FHIR Tasks (UKCore-Task)")
async def fhir_search_tasks(
    request: Request,
    session: Session,
    patient: Patient = None,
    status: fhir.TokenParam = None,
    owner: fhir.ReferenceParam = None,
    last_updated: fhir.LastUpdated = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """Delegated tasks by patient, status (FHIR Task status), owner (provider Organization)
    and _lastUpdated; only the people the caller's organisation may see, each audited."""
    fhir.only(request, ("patient", "status", "owner", "_lastUpdated"))
    statuses = fhir.tokens(status, [s.value for s in TaskStatus], "status")
    search = queries.TaskSearch(
        patient=patient_of(patient),
        statuses=None if statuses is None else [TaskStatus(s) for s in statuses],
        owner=None if owner is None else fhir.id_of(owner, "Organization", "owner"),
        last_updated=last_updated or [],
    )
    rows, total = await queries.tasks(session, user, search, offset, count, "fhir.Task")
    found = [await as_task(session, d) for d in rows]
    return fhir.bundle(request, fhir.Page(found, total, offset, count))


@router.get("/CareTeam/{care_team_id}", summary="FHIR CareTeam (UKCore-CareTeam)")
async def fhir_read_care_team(
    care_team_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """The delegated task's team: the MDT's disciplines and organisations (R9), the delegating
    practitioner (R13), the provider (R15) and the clinical oversight owner (R17)."""
    delegation = await queries.delegation(session, user, care_team_id, break_glass, "fhir.CareTeam")
    return FhirResponse(await as_care_team(session, delegation))


CARE_TEAM_STATUSES = {
    "active": [TaskStatus(s) for s in TaskStatus if s not in {"completed", "cancelled"}],
    "inactive": [TaskStatus.COMPLETED, TaskStatus.CANCELLED],
}


@router.get("/CareTeam", summary="Search FHIR CareTeams (UKCore-CareTeam)")
async def fhir_search_care_teams(
    request: Request,
    session: Session,
    patient: Patient = None,
    status: fhir.TokenParam = None,
    last_updated: fhir.LastUpdated = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """One CareTeam per delegated task, by patient, status (active, inactive), _lastUpdated."""
    fhir.only(request, ("patient", "status", "_lastUpdated"))
    wanted = fhir.tokens(status, CARE_TEAM_STATUSES, "status")
    search = queries.TaskSearch(
        patient=patient_of(patient),
        statuses=None if wanted is None else [s for w in wanted for s in CARE_TEAM_STATUSES[w]],
        last_updated=last_updated or [],
    )
    rows, total = await queries.tasks(session, user, search, offset, count, "fhir.CareTeam")
    found = [await as_care_team(session, d) for d in rows]
    return fhir.bundle(request, fhir.Page(found, total, offset, count))


@router.get("/Practitioner/{practitioner_id}", summary="FHIR Practitioner (UKCore-Practitioner)")
async def fhir_read_practitioner(
    practitioner_id: Annotated[str, fhir.FhirId],
    session: Session,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """A practitioner who has delegated here, by professional register and number (R13)."""
    body, number = await queries.registration(session, practitioner_id)
    return FhirResponse(resources.practitioner(body, number))


@router.get(
    "/PractitionerRole/{role_id}", summary="FHIR PractitionerRole (UKCore-PractitionerRole)"
)
async def fhir_read_practitioner_role(
    role_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> FhirResponse:
    """The delegating practitioner's role in one proposal: accountable for the delegation (R13),
    for their organisation."""
    return FhirResponse(resources.practitioner_role(await queries.proposal(session, role_id)))


def provenance(found: Decision | Review, delegation: Delegation) -> fhir.Resource:
    if isinstance(found, Decision):
        return resources.decision_provenance(found, delegation)
    return resources.review_provenance(found, delegation)


@router.get("/Provenance/{provenance_id}", summary="FHIR Provenance (UKCore-Provenance)")
async def fhir_read_provenance(
    provenance_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """A decision on a delegated task (MDT, Shared Care, review): who, when, and the Framework
    version it was made under (R9, R14, R26, R29)."""
    found, delegation = await queries.decided(session, user, provenance_id, "fhir.Provenance")
    return FhirResponse(provenance(found, delegation))


@router.get("/Provenance", summary="Search FHIR Provenance (UKCore-Provenance)")
async def fhir_search_provenance(
    request: Request,
    session: Session,
    patient: Patient = None,
    target: fhir.ReferenceParam = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """The decisions on the delegated tasks of a patient, or on one Task (`target=Task/<id>`)."""
    fhir.only(request, ("patient", "target"))
    if patient is None and target is None:
        raise InvalidInput("patient", "give a patient or a target")
    delegations = await queries.targets(
        session, user, patient_of(patient), None if target is None else _target(target)
    )
    found = [
        provenance(item, delegation)
        for delegation in delegations
        for item in await queries.provenance_sources(session, delegation)
    ]
    return fhir.bundle(
        request, fhir.Page(found[offset : offset + count], len(found), offset, count)
    )


def _target(value: str) -> UUID:
    resource_type = value.partition("/")[0] if "/" in value else "Task"
    if resource_type not in {"Task", "CareTeam"}:
        raise InvalidInput("target", "a target here is a Task or a CareTeam")
    return fhir.uuid_of(value.partition("/")[2] or value, resource_type, "target")
