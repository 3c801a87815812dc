"""Oversight visits (R17, A 5.12): recorded by the clinical oversight owner; those overdue are
counted for operations each day."""

from __future__ import annotations

import uuid

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import oversight_visits as rules
from services.delegation.handlers.delegations import delegation_for_update, facts_of
from services.delegation.models import OversightVisit
from services.delegation.queries import oversight_visits as queries
from services.delegation.schemas.oversight_visits import OversightVisitCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import Conflict
from shared.events.delegation import SpotCheck
from shared.outbox import publish

OVERDUE_VISITS = Gauge(
    "llr_delegation_oversight_visits_overdue",
    "R17, A 5.12: delegated tasks whose oversight visit is past its due day",
)


async def record_visit(
    session: AsyncSession,
    actor: CurrentUser,
    delegation_id: uuid.UUID,
    body: OversightVisitCreate,
    idempotency_key: str | None,
) -> tuple[OversightVisit, bool]:
    """R17: the oversight owner's visit: findings, a spot check per worker seen (R16), actions;
    the next is due the decision's interval after it."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    if idempotency_key is not None:
        existing = await queries.by_key(session, idempotency_key)
        if existing is not None:
            if existing.delegation_id != delegation.id:
                raise Conflict("this Idempotency-Key was used for another delegation")
            return existing, False
    visit = rules.Visit(
        visit_id=uuid.uuid4(),
        visited_on=body.visited_on,
        findings=tuple(body.findings),
        spot_checks=tuple(
            SpotCheck(worker_id=c.worker_id, outcome=c.outcome) for c in body.spot_checks
        ),
        actions=tuple(dict.fromkeys(body.actions)),
    )
    facts = facts_of(delegation)
    rules.check_visit(facts, actor.organisation, visit, delegation.start_date, today(session))
    last = await queries.last_visit(session, delegation.id)
    latest = max(d for d in (last, visit.visited_on) if d is not None)
    due = rules.next_due(delegation.oversight_interval_days, delegation.start_date, latest)
    row = OversightVisit(
        id=visit.visit_id,
        delegation_id=delegation.id,
        person_id=delegation.person_id,
        oversight_owner=actor.organisation,
        visited_on=visit.visited_on,
        findings=[f.value for f in visit.findings],
        spot_checks=[c.model_dump(mode="json") for c in visit.spot_checks],
        actions=[a.value for a in visit.actions],
        notes=body.notes,
        next_due=due,
        recorded_by=actor.user_id,
        recorded_at=now(session),
        idempotency_key=idempotency_key,
    )
    session.add(row)
    delegation.last_visited_on = latest  # and the next visit's due day with it (models)
    await publish(session, rules.recorded(facts, visit, actor.organisation, due))
    await audit(session, actor, "oversight.visit", delegation.id, str(visit.visited_on))
    return row, True


async def count_overdue_visits(session: AsyncSession) -> int:
    """Scheduler job, R17: how many delegated tasks' oversight visits are overdue today, for the
    metric the OversightVisitsOverdue alert watches."""
    overdue = await queries.overdue_count(session, today(session))
    OVERDUE_VISITS.set(overdue)
    return overdue
