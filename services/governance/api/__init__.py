"""The governance service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.governance.api import (
    board,
    disputes,
    monitoring,
    organisations,
    shared_care,
    versions,
    webhooks,
)
from services.governance.queries.worklist import SOURCES
from shared import worklist

router = APIRouter()
for part in (versions, organisations, board, shared_care, disputes, monitoring, webhooks):
    router.include_router(part.router)
router.include_router(worklist.router(SOURCES))

from services.governance.api import fhir  # noqa: E402  (the FHIR views: metadata, Organization)

router.include_router(fhir.router)
