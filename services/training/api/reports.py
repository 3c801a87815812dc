"""Routes for the IPCB's reports."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.training.queries import reports as queries
from services.training.schemas.reports import SignOffReport
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(tags=["reports"])


@router.get("/reports/competence-sign-offs", summary="Competence sign-offs for the IPCB (R27)")
async def competence_sign_offs(
    session: Session,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    user: CurrentUser = admits(Role.IPCB_MEMBER, Role.AUDITOR),
) -> SignOffReport:
    """Competent and not-yet-competent outcomes per provider and task, both dates included."""
    return await queries.sign_off_report(session, start, end)
