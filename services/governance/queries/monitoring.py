"""The read side of equality monitoring (R28), competence oversight and decision monitoring."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import monitoring as domain
from services.governance.models import CompetenceSignOff, EqualityReport, MonitoringFact
from services.governance.schemas.monitoring import (
    EqualityReportRead,
    MonitoringCountRead,
    ProviderSignOffRead,
    TaskSignOffRead,
)
from shared.errors import NotFound
from shared.events.assessment import EqualityCount
from shared.events.training import CompetenceOutcome


def equality_report_read(report: EqualityReport) -> EqualityReportRead:
    """R28: suppress again on the way out, whatever was stored."""
    stored = [EqualityCount.model_validate(r) for r in report.rows or []]
    rows, _ = domain.suppress_small_numbers(stored)
    return EqualityReportRead(
        report_id=report.report_id,
        period_start=report.period_start,
        period_end=report.period_end,
        status=domain.report_status(report.compiled_at is not None),
        requested_at=report.requested_at,
        compiled_at=report.compiled_at,
        rows=rows,
        missing_characteristics=domain.missing_characteristics(rows) if report.rows else [],
    )


async def equality_reports(session: AsyncSession) -> list[EqualityReportRead]:
    query = select(EqualityReport).order_by(EqualityReport.period_start)
    return [equality_report_read(r) for r in (await session.scalars(query)).all()]


async def equality_report(session: AsyncSession, report_id: UUID) -> EqualityReportRead:
    report = await session.get(EqualityReport, report_id)
    if report is None:
        raise NotFound(f"no equality report {report_id}")
    return equality_report_read(report)


async def competence_sign_offs(
    session: AsyncSession, provider: str | None
) -> list[ProviderSignOffRead]:
    """R27: per provider and task, how many assessments found the worker competent or not yet."""
    competent = func.sum(
        case((CompetenceSignOff.outcome == CompetenceOutcome.COMPETENT.value, 1), else_=0)
    )
    query = select(
        CompetenceSignOff.provider_organisation,
        CompetenceSignOff.task_code,
        func.count(),
        competent,
        func.max(CompetenceSignOff.assessed_on),
    ).group_by(CompetenceSignOff.provider_organisation, CompetenceSignOff.task_code)
    if provider is not None:
        query = query.where(CompetenceSignOff.provider_organisation == provider)
    providers: dict[str, list[TaskSignOffRead]] = {}
    for org, task, total, ok, last in (await session.execute(query)).all():
        providers.setdefault(org, []).append(
            TaskSignOffRead(
                task_code=task,
                competent=int(ok or 0),
                not_yet_competent=int(total) - int(ok or 0),
                last_assessed_on=last,
            )
        )
    return [
        ProviderSignOffRead(provider_organisation=org, tasks=sorted(t, key=lambda x: x.task_code))
        for org, t in sorted(providers.items())
    ]


async def monitoring_counts(
    session: AsyncSession, since: date | None, until: date | None
) -> Sequence[MonitoringCountRead]:
    """Decisions and outcomes across the Framework, by kind and Framework version."""
    query = select(MonitoringFact.kind, MonitoringFact.framework_version, func.count())
    if since is not None:
        query = query.where(MonitoringFact.occurred_on >= since)
    if until is not None:
        query = query.where(MonitoringFact.occurred_on <= until)
    query = query.group_by(MonitoringFact.kind, MonitoringFact.framework_version)
    rows = (await session.execute(query.order_by(MonitoringFact.kind))).all()
    return [MonitoringCountRead(kind=k, framework_version=v, count=n) for k, v, n in rows]
