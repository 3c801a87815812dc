"""The funding service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.funding.api import (
    apportionment,
    disputes,
    packages,
    rates,
    recharges,
    segments,
    statements,
)

router = APIRouter()
for topic in (rates, segments, apportionment, packages, disputes, statements, recharges):
    router.include_router(topic.router)
