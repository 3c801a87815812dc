"""R28 and R27: equality reports, competence sign-off oversight, and monitoring of decisions."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import monitoring as domain
from services.governance.models import CompetenceSignOff, EqualityReport, MonitoringFact
from services.governance.schemas.monitoring import EqualityReportCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import insert_if_absent, now, today
from shared.events.assessment import EqualityReportCompiled
from shared.events.delegation import DelegationDecided, DelegationEnded, TaskDelegated
from shared.events.funding import DisputeSettled
from shared.events.training import CompetenceAssessed, CompetenceOutcome
from shared.organisations import require_board_member
from shared.outbox import publish


async def request_equality_report(
    session: AsyncSession, actor: CurrentUser, body: EqualityReportCreate, key: str | None
) -> tuple[EqualityReport, bool]:
    """R28: ask the assessment service, which alone holds equality profiles, for aggregates."""
    await require_board_member(session, actor)
    if key and (found := await _report_by_key(session, key)):
        return found, False
    report_id = uuid.uuid4()
    _, event = domain.request_report(report_id, body.period_start, body.period_end, today(session))
    report = EqualityReport(
        report_id=report_id,
        idempotency_key=key,
        period_start=body.period_start,
        period_end=body.period_end,
        requested_at=now(session),
        requested_by=actor.user_id,
        resuppressed=0,
    )
    session.add(report)
    await session.flush()
    await publish(session, event)
    await audit(session, actor, "equality_report.request", report.report_id)
    return report, True


async def _report_by_key(session: AsyncSession, key: str) -> EqualityReport | None:
    return await session.scalar(select(EqualityReport).where(EqualityReport.idempotency_key == key))


async def on_equality_report_compiled(session: AsyncSession, event: EqualityReportCompiled) -> None:
    """R28: keep the compiled aggregates, hiding any count under 5 the compiler let through."""
    report = await session.get(EqualityReport, event.report_id)
    if report is None:  # compiled without our request (e.g. a rerun): keep it all the same
        report = EqualityReport(
            report_id=event.report_id,
            period_start=event.period_start,
            period_end=event.period_end,
        )
        session.add(report)
    status = domain.report_status(report.compiled_at is not None)
    _, rows, resuppressed = domain.compile_report(status, event.rows)
    report.rows = [r.model_dump(mode="json") for r in rows]
    report.resuppressed = resuppressed
    report.compiled_at = now(session)
    await session.flush()
    await audit(
        session,
        SYSTEM,
        "equality_report.compiled",
        event.report_id,
        f"{resuppressed} re-suppressed",
    )


async def on_competence_assessed(session: AsyncSession, event: CompetenceAssessed) -> None:
    """R27: the board oversees competence sign-off per provider and task; R29: by version."""
    await insert_if_absent(
        session,
        CompetenceSignOff.__table__,  # type: ignore[arg-type]
        {
            "assessment_id": event.assessment_id,
            "provider_organisation": event.provider_organisation,
            "task_code": event.task_code,
            "outcome": event.outcome.value,
            "assessed_on": event.assessed_on,
            "framework_version": event.framework_version,
        },
    )
    if event.outcome is CompetenceOutcome.COMPETENT:
        fact = f"signed-off-{event.assessment_id}"
        on, version = event.assessed_on, event.framework_version
        await record_fact(session, fact, "competence_signed_off", on, version)


async def on_delegation_decided(session: AsyncSession, event: DelegationDecided) -> None:
    """Monitoring: an MDT decision, with the Framework version it was made under (R29)."""
    fact = f"decided-{event.proposal_id}"
    await record_fact(
        session,
        fact,
        f"decision_{event.outcome}",
        event.decided_on,
        event.framework_version,
        event.rule,
    )


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """Monitoring: a delegation went live."""
    await record_fact(
        session, f"delegated-{event.delegation_id}", "task_delegated", event.start_date
    )


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """Monitoring: a delegation ended."""
    await record_fact(
        session, f"ended-{event.delegation_id}", "delegation_ended", event.effective_date
    )


async def on_dispute_settled(session: AsyncSession, event: DisputeSettled) -> None:
    """Monitoring: a dispute's outcome was applied by funding."""
    await record_fact(
        session, f"settled-{event.dispute_id}", "dispute_settled", event.effective_from
    )


async def record_fact(
    session: AsyncSession,
    fact_id: str,
    kind: str,
    on: date,
    framework_version: int | None = None,
    rule: str | None = None,
) -> None:
    row = {
        "fact_id": fact_id,
        "kind": kind,
        "occurred_on": on,
        "framework_version": framework_version,
        "rule": rule,
    }
    await insert_if_absent(session, MonitoringFact.__table__, row)  # type: ignore[arg-type]
