"""The training service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.training.api import (
    assessors,
    competence,
    instructions,
    plans,
    reports,
    workers,
)

router = APIRouter()
for part in (workers, assessors, plans, instructions, competence, reports):
    router.include_router(part.router)

from services.training.api import fhir  # noqa: E402  (the FHIR views: metadata, Organization)

router.include_router(fhir.router)
