"""The delegation service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.delegation.api import (
    catalogue,
    delegations,
    delivery,
    fhir,
    handbacks,
    named_workers,
    occurrences,
    oversight_visits,
    proposal_worklist,
    proposals,
    reviews,
)
from services.delegation.queries.worklist import SOURCES
from shared import worklist

router = APIRouter()
for module in (
    catalogue,
    proposal_worklist,
    proposals,
    delegations,
    named_workers,
    handbacks,
    occurrences,
    reviews,
    delivery,
    oversight_visits,
    fhir,
):
    router.include_router(module.router)
router.include_router(worklist.router(SOURCES))
