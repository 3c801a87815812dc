"""Routes for the IPCB's reports."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.training.queries import reports as queries
from services.training.schemas.reports import SignOffReport
from shared.auth import CurrentUser, Role, admits
from shared.dates import EARLIEST, LATEST
from shared.organisations import require_board_member
from shared.web import Session

router = APIRouter(tags=["reports"])


@router.get("/reports/competence-sign-offs", summary="Competence sign-offs for the IPCB (R27)")
async def competence_sign_offs(
    session: Session,
    start: Annotated[date, Query(alias="from", ge=EARLIEST, le=LATEST)],
    end: Annotated[date, Query(alias="to", ge=EARLIEST, le=LATEST)],
    user: CurrentUser = admits(Role.IPCB_MEMBER, Role.AUDITOR),
) -> SignOffReport:
    """Competent and not-yet-competent outcomes per provider and task, both dates included;
    counts only, no worker or person. The IPCB's members of a board organisation read it."""
    if user.role is Role.IPCB_MEMBER:
        await require_board_member(session, user)
    return await queries.sign_off_report(session, start, end)
