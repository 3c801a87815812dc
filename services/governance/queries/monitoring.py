"""The read side of equality monitoring (R28), competence oversight and decision monitoring."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import monitoring as domain
from services.governance.models import CompetenceSignOff, EqualityReport, MonitoringFact
from services.governance.schemas.monitoring import (
    EqualityReportRead,
    MonitoringCountRead,
    ProviderSignOffRead,
    TaskSignOffRead,
)
from shared import pages
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


REPORT_ORDER = (
    pages.Key(EqualityReport.period_start, date),
    pages.Key(EqualityReport.report_id, UUID),
)


async def equality_reports(
    session: AsyncSession,
    status: domain.ReportStatus | None,
    period: tuple[date | None, date | None],
    limit: int,
    cursor: str | None,
) -> tuple[list[EqualityReportRead], str | None]:
    """Reports by period, of one status, starting on or after `period[0]` and ending on or
    before `period[1]`."""
    query = select(EqualityReport)
    if status is not None:
        compiled = EqualityReport.compiled_at.is_not(None)
        query = query.where(compiled if status is domain.ReportStatus.COMPILED else ~compiled)
    if period[0] is not None:
        query = query.where(EqualityReport.period_start >= period[0])
    if period[1] is not None:
        query = query.where(EqualityReport.period_end <= period[1])
    found, next_cursor = await pages.keyset(session, query, REPORT_ORDER, limit, cursor)
    return [equality_report_read(r) for r in found], next_cursor


async def equality_report(session: AsyncSession, report_id: UUID) -> EqualityReportRead:
    report = await session.get(EqualityReport, report_id)
    if report is None:
        raise NotFound(f"no equality report {report_id}")
    return equality_report_read(report)


async def competence_sign_offs(
    session: AsyncSession,
    provider: str | None,
    task_code: str | None = None,
    limit: int = pages.MAX_LIMIT,
    cursor: str | None = None,
) -> tuple[list[ProviderSignOffRead], str | None]:
    """R27: per provider and task, how many assessments found the worker competent or not yet;
    a page of providers at a time, by code."""
    providers = select(CompetenceSignOff.provider_organisation).distinct()
    if provider is not None:
        providers = providers.where(CompetenceSignOff.provider_organisation == provider)
    if task_code is not None:
        providers = providers.where(CompetenceSignOff.task_code == task_code)
    if cursor is not None:
        after = pages.decode(cursor, pages.text)[0]
        providers = providers.where(CompetenceSignOff.provider_organisation > after)
    found = list(
        (
            await session.scalars(
                providers.order_by(CompetenceSignOff.provider_organisation).limit(limit + 1)
            )
        ).all()
    )
    page = found[:limit]
    next_cursor = pages.encode(page[-1]) if len(found) > limit else None
    return await _sign_offs(session, page, task_code), next_cursor


async def _sign_offs(
    session: AsyncSession, providers: Sequence[str], task_code: str | None
) -> list[ProviderSignOffRead]:
    competent = func.sum(
        case((CompetenceSignOff.outcome == CompetenceOutcome.COMPETENT.value, 1), else_=0)
    )
    query = (
        select(
            CompetenceSignOff.provider_organisation,
            CompetenceSignOff.task_code,
            func.count(),
            competent,
            func.max(CompetenceSignOff.assessed_on),
        )
        .where(CompetenceSignOff.provider_organisation.in_(providers))
        .group_by(CompetenceSignOff.provider_organisation, CompetenceSignOff.task_code)
    )
    if task_code is not None:
        query = query.where(CompetenceSignOff.task_code == task_code)
    tasks: dict[str, list[TaskSignOffRead]] = {}
    for org, task, total, ok, last in (await session.execute(query)).all():
        tasks.setdefault(org, []).append(
            TaskSignOffRead(
                task_code=task,
                competent=int(ok or 0),
                not_yet_competent=int(total) - int(ok or 0),
                last_assessed_on=last,
            )
        )
    return [
        ProviderSignOffRead(
            provider_organisation=org, tasks=sorted(tasks[org], key=lambda x: x.task_code)
        )
        for org in providers
    ]


NO_VERSION = 0  # versions count from 1: facts recorded under none sort first


async def monitoring_counts(
    session: AsyncSession,
    kind: str | None,
    occurred: tuple[date | None, date | None],
    limit: int,
    cursor: str | None,
) -> tuple[list[MonitoringCountRead], str | None]:
    """Decisions and outcomes across the Framework, by kind and Framework version (a page of
    those pairs at a time)."""
    # inline, not a parameter: the same expression is selected, grouped, compared and ordered
    version = func.coalesce(MonitoringFact.framework_version, literal_column(str(NO_VERSION)))
    query = select(MonitoringFact.kind, version.label("version"), func.count())
    if kind is not None:
        query = query.where(MonitoringFact.kind == kind)
    if occurred[0] is not None:
        query = query.where(MonitoringFact.occurred_on >= occurred[0])
    if occurred[1] is not None:
        query = query.where(MonitoringFact.occurred_on <= occurred[1])
    query = query.group_by(MonitoringFact.kind, version)
    if cursor is not None:
        last_kind, last_version = pages.decode(cursor, pages.text, pages.number)
        query = query.having(
            or_(
                MonitoringFact.kind > last_kind,
                and_(MonitoringFact.kind == last_kind, version > last_version),
            )
        )
    rows = (
        await session.execute(query.order_by(MonitoringFact.kind, version).limit(limit + 1))
    ).all()
    page = [
        MonitoringCountRead(kind=k, framework_version=v or None, count=n)
        for k, v, n in rows[:limit]
    ]
    if len(rows) <= limit:
        return page, None
    return page, pages.encode(page[-1].kind, page[-1].framework_version or NO_VERSION)
