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
from services.funding.queries.worklist import SOURCES
from shared import worklist

router = APIRouter()
for topic in (rates, segments, apportionment, packages, disputes, statements, recharges):
    router.include_router(topic.router)
router.include_router(worklist.router(SOURCES))

from services.funding.api import fhir  # noqa: E402  (the FHIR views: metadata, Organization)

router.include_router(fhir.router)
