"""The route for a person's GP practice changing (R17)."""

from uuid import UUID

from fastapi import APIRouter

from services.assessment.api.people import read
from services.assessment.api.roles import GP_PRACTICE_RECORDERS
from services.assessment.handlers import gp_practice as handlers
from services.assessment.schemas.people import GpPracticeUpdate, PersonRead
from shared.auth import CurrentUser, admits
from shared.web import Session

router = APIRouter(tags=["people"])


@router.put(
    "/people/{person_id}/gp-practice",
    summary="Record the person's new GP practice (R17)",
)
async def change_gp_practice(
    person_id: UUID,
    body: GpPracticeUpdate,
    session: Session,
    user: CurrentUser = admits(*GP_PRACTICE_RECORDERS),
) -> PersonRead:
    """By ODS code, from a day on or before today; published for delegation, where primary
    care oversight of the person's tasks moves to the new practice. The same practice again
    is a no-op."""
    person = await handlers.change_gp_practice(session, user, person_id, body)
    await session.commit()
    return read(person)
