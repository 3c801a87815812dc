"""The delegation service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.delegation.api import (
    catalogue,
    delegations,
    fhir,
    handbacks,
    occurrences,
    proposals,
    reviews,
)

router = APIRouter()
for module in (catalogue, proposals, delegations, handbacks, occurrences, reviews, fhir):
    router.include_router(module.router)
