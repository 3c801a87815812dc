"""The read side of the IPCB's reports (R27)."""

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import CompetenceAssessment
from services.training.schemas.reports import SignOffReport, SignOffRow
from shared.errors import InvalidInput
from shared.events.training import CompetenceOutcome, in_date


async def sign_off_report(session: AsyncSession, start: date, end: date) -> SignOffReport:
    """R27: competence sign-offs per provider and task over a period, for the IPCB.

    `in_date_at_end` counts the competent sign-offs that still count on the last day of the
    period, by the one R16 boundary (`in_date`), never by a date comparison of its own.
    """
    if end < start:
        raise InvalidInput("to", "the period must not end before it starts")
    rows = await session.execute(
        select(
            CompetenceAssessment.provider_organisation,
            CompetenceAssessment.task_code,
            CompetenceAssessment.outcome,
            CompetenceAssessment.valid_until,
        ).where(CompetenceAssessment.assessed_on.between(start, end))
    )
    competent: Counter[tuple[str, str]] = Counter()
    not_yet: Counter[tuple[str, str]] = Counter()
    held: Counter[tuple[str, str]] = Counter()
    for provider, task, outcome, valid_until in rows:
        scope = (provider, task)
        if outcome == CompetenceOutcome.COMPETENT.value:
            competent[scope] += 1
            held[scope] += int(in_date(valid_until, end))
        else:
            not_yet[scope] += 1
    return SignOffReport(
        period_from=start,
        period_to=end,
        rows=[
            SignOffRow(
                provider_organisation=provider,
                task_code=task,
                competent=competent[(provider, task)],
                not_yet_competent=not_yet[(provider, task)],
                in_date_at_end=held[(provider, task)],
            )
            for provider, task in sorted({*competent, *not_yet})
        ],
    )
