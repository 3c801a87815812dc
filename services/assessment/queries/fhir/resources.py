"""The assessment service's records as FHIR R4 UK Core resources: Patient, Consent and CarePlan.
References are relative: Task is served by delegation's `/fhir/R4`, Organization by every
service, the rest here."""

from __future__ import annotations

from collections.abc import Sequence

from services.assessment.domain.consents import ConsentState
from services.assessment.domain.fhir import CONSENT_STATUS, LAWFUL_BASIS
from services.assessment.models import Consent, Person, SupportPlanVersion
from shared.events.assessment import ConsentGivenBy
from shared.fhir import (
    NHS_NUMBER_SYSTEM,
    Resource,
    coding,
    concept,
    day,
    identifier,
    instant,
    meta,
    platform_identifier,
    reference,
)

BASIS_SYSTEM = "urn:llr-ipc:consent-given-by"
# UK Core: how far the NHS number was checked. The platform checks its Modulus 11 digit and does
# not trace it on the Personal Demographics Service: "present but not traced".
VERIFICATION = {
    "url": "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
    "valueCodeableConcept": concept(
        "Number present but not traced",
        coding(
            "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
            "02",
            "Number present but not traced",
        ),
    ),
}
TASK_CODES = "urn:llr-ipc:task-catalogue"


def patient(person: Person, with_nhs_number: bool) -> Resource:
    """The person by pseudonymous id; the NHS number only within a legitimate relationship
    (never in a break-glass read), as on the JSON API. The platform keeps no names."""
    identifiers = [platform_identifier("person", person.id)]
    if with_nhs_number:
        nhs_number = identifier(NHS_NUMBER_SYSTEM, person.nhs_number)
        identifiers.insert(0, {"extension": [VERIFICATION], **nhs_number})
    return {
        "resourceType": "Patient",
        "id": str(person.id),
        "meta": meta("Patient", person.registered_at, person.version),
        "identifier": identifiers,
        "active": True,
        "generalPractitioner": [reference("Organization", person.gp_practice)],
    }


def consent(row: Consent) -> Resource:
    """R7: consent to one delegated task, active until withdrawn (then inactive, kept), with
    the lawful basis on which it was given."""
    state = ConsentState.WITHDRAWN if row.withdrawn_on else ConsentState.GIVEN
    given_by = ConsentGivenBy(row.given_by)
    provision: Resource = {
        "type": "permit",
        "period": {"start": day(row.given_on)},
        "code": [concept(row.task_code, coding(TASK_CODES, row.task_code))],
    }
    if row.withdrawn_on is not None:
        provision["period"]["end"] = day(row.withdrawn_on)
    if delegation := row.delegation_id or row.linked_delegation_id:
        provision["data"] = [{"meaning": "related", "reference": reference("Task", delegation)}]
    if row.provider_organisation:
        provision["actor"] = [
            {
                "role": concept("provider the consent is given for"),
                "reference": reference("Organization", row.provider_organisation),
            }
        ]
    found: Resource = {
        "resourceType": "Consent",
        "id": str(row.id),
        "meta": meta("Consent", row.withdrawn_at or row.recorded_at, row.version),
        "identifier": [platform_identifier("consent", row.id)],
        "status": CONSENT_STATUS[state],
        "scope": concept(
            "treatment",
            coding("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment"),
        ),
        "category": [
            concept("Patient consent", coding("http://loinc.org", "59284-0", "Patient Consent"))
        ],
        "patient": reference("Patient", row.person_id),
        "dateTime": instant(row.recorded_at),
        "performer": [_given_by(row, given_by)],
        "policyRule": concept(LAWFUL_BASIS[given_by], coding(BASIS_SYSTEM, given_by.value)),
        "provision": provision,
    }
    return found


def _given_by(row: Consent, given_by: ConsentGivenBy) -> Resource:
    if given_by is ConsentGivenBy.PERSON:
        return reference("Patient", row.person_id)
    return {"display": given_by.value.replace("_", " ")}


def care_plan(versions: Sequence[SupportPlanVersion], shown: SupportPlanVersion) -> Resource:
    """The person's support plan as one CarePlan (its id is the person's: one plan each); each
    version of the plan is a version of the resource. Its delegated tasks are its activities."""
    first = versions[0]
    visits = (
        f"{shown.visits_per_day} visits a day of {shown.minutes_per_visit} minutes, "
        f"{shown.days_per_week} days a week"
        if shown.visits_per_day is not None
        else "no commissioned visits"
    )
    found: Resource = {
        "resourceType": "CarePlan",
        "id": str(shown.person_id),
        "meta": meta("CarePlan", shown.created_at, shown.version),
        "identifier": [platform_identifier("support-plan", shown.plan_id)],
        "status": "active",  # a superseded version reads as it stood (vread)
        "intent": "plan",
        "title": f"Support plan, version {shown.version}",
        "description": visits,
        "subject": reference("Patient", shown.person_id),
        "period": {"start": day(first.effective_from)},
        "created": instant(first.created_at),
        "activity": [{"reference": reference("Task", t["delegation_id"])} for t in shown.tasks],
        "note": [
            {"text": f"Version {shown.version} from {day(shown.effective_from)}: {shown.reason}"}
        ],
    }
    if shown.provider_organisation:
        found["contributor"] = [reference("Organization", shown.provider_organisation)]
    if shown.consent_ids:
        found["supportingInfo"] = [reference("Consent", c) for c in shown.consent_ids]
    return found
