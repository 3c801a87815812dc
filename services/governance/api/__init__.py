"""The governance service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

from services.governance.api import board, disputes, monitoring, shared_care, versions

router = APIRouter()
for part in (versions, board, shared_care, disputes, monitoring):
    router.include_router(part.router)
