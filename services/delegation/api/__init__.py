"""The delegation service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.delegation.api import (
    catalogue,
    delegations,
    delivery,
    handbacks,
    occurrences,
    oversight_visits,
    proposals,
    reviews,
)

router = APIRouter()
for module in (
    catalogue,
    proposals,
    delegations,
    handbacks,
    occurrences,
    reviews,
    delivery,
    oversight_visits,
):
    router.include_router(module.router)
