"""The assessment service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.assessment.api import (
    assessments,
    consents,
    fhir,
    gp_practice,
    identifiers,
    people,
    plans,
)

router = APIRouter()
router.include_router(people.router)
router.include_router(gp_practice.router)
router.include_router(identifiers.router)
router.include_router(assessments.router)
router.include_router(consents.router)
router.include_router(plans.router)
router.include_router(fhir.router)
