"""FHIR R4 UK Core read views of people, consent and support plans (`application/fhir+json`):
Patient, Consent, CarePlan (with its versions), and Organization from the register. The same
roles, relationships and audit as the JSON API; errors are OperationOutcomes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Query, Request

from services.assessment.api.roles import CLINICAL_READERS, READERS
from services.assessment.queries import fhir as queries
from services.assessment.queries.fhir import resources
from shared import fhir
from shared.access import BreakGlass
from shared.audit import Purpose
from shared.auth import CurrentUser, admits
from shared.errors import NotFound
from shared.fhir import FhirResponse, Served
from shared.web import Session

SERVED = (
    Served("Patient", (("identifier", "token"),)),
    Served("Consent", (("patient", "reference"), ("status", "token"), ("_lastUpdated", "date"))),
    Served("CarePlan", (("patient", "reference"), ("_lastUpdated", "date")), vread=True),
)
router = fhir.open_router("assessment", SERVED)
PatientParam = Annotated[str | None, Query(max_length=200, description="Patient/<id> or <id>")]


def patient_of(patient: str | None) -> UUID | None:
    return None if patient is None else fhir.uuid_of(patient, "Patient", "patient")


@router.get("/Patient/{patient_id}", summary="FHIR Patient (UKCore-Patient)")
async def fhir_read_patient(
    patient_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """The person, with their NHS number only within a legitimate relationship (a break-glass
    read answers without it); read audited."""
    person, purpose = await queries.patient(session, user, patient_id, break_glass)
    return FhirResponse(resources.patient(person, purpose is Purpose.DIRECT_CARE))


@router.get("/Patient", summary="Search FHIR Patients (UKCore-Patient)")
async def fhir_search_patients(
    request: Request,
    session: Session,
    identifier: Annotated[
        str | None, Query(max_length=100, description="https://fhir.nhs.uk/Id/nhs-number|<n>")
    ] = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*CLINICAL_READERS),
) -> FhirResponse:
    """The people the caller's organisation may see, or the one with an NHS number (an empty
    Bundle when the caller may not see them); each shown audited."""
    fhir.only(request, ("identifier",))
    nhs_number = None if identifier is None else queries.nhs_number_of(identifier)
    rows, total = await queries.patients(session, user, nhs_number, offset, count)
    found = [resources.patient(p, with_nhs_number=True) for p in rows]
    return fhir.bundle(request, fhir.Page(found, total, offset, count))


@router.get("/Consent/{consent_id}", summary="FHIR Consent (UKCore-Consent)")
async def fhir_read_consent(
    consent_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """Consent to one delegated task (R7): active, or inactive once withdrawn, with its
    lawful basis."""
    return FhirResponse(
        resources.consent(await queries.consent(session, user, consent_id, break_glass))
    )


@router.get("/Consent", summary="Search FHIR Consents (UKCore-Consent)")
async def fhir_search_consents(
    request: Request,
    session: Session,
    patient: PatientParam = None,
    status: fhir.TokenParam = None,
    last_updated: fhir.LastUpdated = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """Consents by patient, status (active, inactive) and _lastUpdated, of the people the
    caller's organisation may see; each shown audited."""
    fhir.only(request, ("patient", "status", "_lastUpdated"))
    statuses = fhir.tokens(status, ("active", "inactive"), "status")
    rows, total = await queries.consents(
        session, user, patient_of(patient), statuses, last_updated or [], offset, count
    )
    found = [resources.consent(c) for c in rows]
    return fhir.bundle(request, fhir.Page(found, total, offset, count))


@router.get("/CarePlan/{care_plan_id}", summary="FHIR CarePlan (UKCore-CarePlan)")
async def fhir_read_care_plan(
    care_plan_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """The person's support plan as it stands (its id is the person's id); its delegated tasks
    are its activities (Tasks on the delegation service)."""
    versions = await queries.care_plan(session, user, care_plan_id, break_glass)
    return FhirResponse(resources.care_plan(versions, versions[-1]))


@router.get(
    "/CarePlan/{care_plan_id}/_history/{version_id}",
    summary="A version of a FHIR CarePlan (UKCore-CarePlan)",
)
async def fhir_read_care_plan_version(
    care_plan_id: UUID,
    version_id: Annotated[int, Path(ge=1, le=1_000_000)],
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """One version of the support plan as it stood: versions are only ever added."""
    versions = await queries.care_plan(session, user, care_plan_id, break_glass)
    shown = next((v for v in versions if v.version == version_id), None)
    if shown is None:
        raise NotFound(f"no version {version_id} of CarePlan {care_plan_id}")
    return FhirResponse(resources.care_plan(versions, shown))


@router.get("/CarePlan", summary="Search FHIR CarePlans (UKCore-CarePlan)")
async def fhir_search_care_plans(
    request: Request,
    session: Session,
    patient: PatientParam = None,
    last_updated: fhir.LastUpdated = None,
    count: fhir.Count = fhir.DEFAULT_COUNT,
    offset: fhir.Offset = 0,
    user: CurrentUser = admits(*READERS),
) -> FhirResponse:
    """Support plans as they stand, by patient and _lastUpdated, of the people the caller's
    organisation may see; each shown audited."""
    fhir.only(request, ("patient", "_lastUpdated"))
    plans, total = await queries.care_plans(
        session, user, patient_of(patient), last_updated or [], offset, count
    )
    found = [resources.care_plan(versions, versions[-1]) for versions in plans]
    return fhir.bundle(request, fhir.Page(found, total, offset, count))
