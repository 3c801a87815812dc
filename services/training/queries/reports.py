"""The read side of the IPCB's reports (R27)."""

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import CompetenceAssessment
from services.training.schemas.reports import SignOffReport, SignOffRow
from shared.errors import InvalidInput
from shared.events.training import CompetenceOutcome


async def sign_off_report(session: AsyncSession, start: date, end: date) -> SignOffReport:
    """R27: competence sign-offs per provider and task over a period, for the IPCB."""
    if end < start:
        raise InvalidInput("to", "the period must not end before it starts")
    competent = CompetenceAssessment.outcome == CompetenceOutcome.COMPETENT.value
    rows = await session.execute(
        select(
            CompetenceAssessment.provider_organisation,
            CompetenceAssessment.task_code,
            func.sum(case((competent, 1), else_=0)),
            func.sum(case((competent, 0), else_=1)),
        )
        .where(CompetenceAssessment.assessed_on.between(start, end))
        .group_by(CompetenceAssessment.provider_organisation, CompetenceAssessment.task_code)
        .order_by(CompetenceAssessment.provider_organisation, CompetenceAssessment.task_code)
    )
    return SignOffReport(
        period_from=start,
        period_to=end,
        rows=[
            SignOffRow(
                provider_organisation=provider,
                task_code=task,
                competent=int(yes),
                not_yet_competent=int(no),
            )
            for provider, task, yes, no in rows
        ],
    )
