"""The task catalogue (R10) and the Framework version in force (R29)."""

from datetime import date

from fastapi import APIRouter

from services.delegation.queries import catalogue as queries
from services.delegation.schemas.catalogue import (
    CatalogueRulingRead,
    FrameworkVersionRead,
    TaskRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, problem_response

router = APIRouter()
EVERYONE = tuple(Role)


@router.get(
    "/framework-versions/in-force",
    tags=["framework versions"],
    summary="The Framework version decisions made on a date record (R29)",
    responses={404: problem_response("No version of the Framework was in force on that date")},
)
async def framework_version_in_force(
    on: date,
    session: Session,
    user: CurrentUser = admits(Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER, Role.AUDITOR),
) -> FrameworkVersionRead:
    """The version of the Framework in force on the given date, as delegation knows it."""
    return FrameworkVersionRead.model_validate(
        await queries.framework_version_in_force(session, on)
    )


@router.get("/tasks", tags=["task catalogue"], summary="The task catalogue (R10)")
async def list_tasks(session: Session, user: CurrentUser = admits(*EVERYONE)) -> list[TaskRead]:
    """Every task in the catalogue with its category and whether it may be delegated."""
    return [TaskRead.model_validate(t) for t in await queries.tasks(session)]


@router.get(
    "/tasks/rulings", tags=["task catalogue"], summary="Catalogue rulings and their dates (R10)"
)
async def list_rulings(
    session: Session, pending: bool = False, user: CurrentUser = admits(*EVERYONE)
) -> list[CatalogueRulingRead]:
    """Governance rulings on the catalogue; `pending=true` lists those not yet in effect."""
    return [CatalogueRulingRead.model_validate(r) for r in await queries.rulings(session, pending)]
