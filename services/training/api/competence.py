"""Routes for competence assessments (R16), warnings, escalations and the policy (R25)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.training.handlers import competence as handlers
from services.training.handlers import workers
from services.training.queries import competence as queries
from services.training.queries import refreshers
from services.training.queries.lists import ProviderFilter
from services.training.queries.workers import competence_policy, load_worker
from services.training.schemas.competence import (
    AssessmentCreate,
    AssessmentPage,
    AssessmentRead,
    CompetencePolicyRead,
    CompetencePolicyUpdate,
    CompetenceRead,
    EscalationPage,
    EscalationRead,
    RefresherDuePage,
    RefresherDueRead,
    WarningPage,
    WarningRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.events.training import CompetenceOutcome
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["competence"])
ASSESSORS = (Role.REGISTERED_PRACTITIONER, Role.PROVIDER_MANAGER, Role.CARE_WORKER)
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER, Role.IPCB_MEMBER, Role.AUDITOR)
Provider = Annotated[str | None, Query(max_length=200, description="only this provider's")]
TaskCode = Annotated[str | None, Query(max_length=100)]


@router.post(
    "/workers/{worker_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(AssessmentRead),
    summary="Record a competence assessment (R16)",
)
async def record_assessment(
    worker_id: UUID,
    body: AssessmentCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> AssessmentRead:
    """A registered practitioner or approved assessor, of the worker's provider or approved by
    it, records an outcome; a repeat answers 200."""
    recorded = await handlers.record_assessment(session, user, worker_id, body, idempotency_key)
    await session.commit()
    answer_replay(response, recorded.created)
    return AssessmentRead.model_validate(recorded.assessment)


@router.get("/workers/{worker_id}/assessments", summary="A worker's competence assessments")
async def list_assessments(
    worker_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    person_id: UUID | None = None,
    outcome: CompetenceOutcome | None = None,
    current: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> AssessmentPage:
    """Every assessment of the worker (in a task, for a person, by outcome, current or not),
    oldest first, a page at a time."""
    worker = await load_worker(session, user, worker_id)
    where = queries.AssessmentFilter(task_code, person_id, outcome, current)
    found, next_cursor = await queries.assessments(session, worker.id, where, limit, cursor)
    return AssessmentPage(
        items=[AssessmentRead.model_validate(a) for a in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/workers/{worker_id}/competence", summary="Is the worker competent today (R16)")
async def read_competence(
    worker_id: UUID,
    task_code: str,
    session: Session,
    person_id: UUID | None = None,
    user: CurrentUser = admits(*READERS),
) -> CompetenceRead:
    """Whether the worker counts as competent in the task (for the person) today."""
    worker = await load_worker(session, user, worker_id)
    on = today(session)
    return await queries.competence(session, worker.id, task_code, person_id, on)


@router.get("/competence-warnings", summary="Expiry warnings sent (90, 60, 30 days)")
async def list_warnings(
    request: Request,
    response: Response,
    session: Session,
    provider: Provider = None,
    worker_id: UUID | None = None,
    task_code: TaskCode = None,
    warned_from: date | None = None,
    warned_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> WarningPage:
    """Warnings of competence about to expire, to the providers the caller sees, oldest first,
    a page at a time."""
    where = ProviderFilter(provider, worker_id, task_code, warned_from, warned_to)
    found, next_cursor = await queries.warnings(session, user, where, limit, cursor)
    return WarningPage(
        items=[WarningRead.model_validate(w) for w in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/refreshers-due", summary="Refresher training due and not done (R25)")
async def list_refreshers_due(
    request: Request,
    response: Response,
    session: Session,
    provider: Provider = None,
    worker_id: UUID | None = None,
    task_code: TaskCode = None,
    due_from: date | None = None,
    due_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> RefresherDuePage:
    """Refreshers the workers' training plans ask for, announced 30 days before their day and
    not done yet, of the providers the caller sees, soonest first, a page at a time; missed,
    the competence lapses."""
    where = ProviderFilter(provider, worker_id, task_code, due_from, due_to)
    rows, next_cursor = await refreshers.due_refreshers(session, user, where, limit, cursor)
    return RefresherDuePage(
        items=[RefresherDueRead.model_validate(r) for r in rows],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/failure-escalations", summary="Workers not achieving competence (R25)")
async def list_escalations(
    request: Request,
    response: Response,
    session: Session,
    provider: Provider = None,
    worker_id: UUID | None = None,
    task_code: TaskCode = None,
    escalated_from: date | None = None,
    escalated_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> EscalationPage:
    """Workers who failed the configured number of times, of the providers the caller sees,
    oldest first, a page at a time."""
    where = ProviderFilter(provider, worker_id, task_code, escalated_from, escalated_to)
    rows, next_cursor = await queries.escalations(session, user, where, limit, cursor)
    return EscalationPage(
        items=[EscalationRead.model_validate(e) for e in rows],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/competence-policy", summary="The IPCB's competence policy")
async def read_policy(
    session: Session, user: CurrentUser = admits(*READERS)
) -> CompetencePolicyRead:
    """How many failures in a row tell the provider manager."""
    return CompetencePolicyRead.model_validate(await competence_policy(session))


@router.put("/competence-policy", summary="Set the IPCB's competence policy (R25)")
async def set_policy(
    body: CompetencePolicyUpdate, session: Session, user: CurrentUser = admits(Role.IPCB_MEMBER)
) -> CompetencePolicyRead:
    """An IPCB member of a board organisation sets how many failures in a row tell the
    provider manager."""
    policy = await workers.set_competence_policy(session, user, body)
    await session.commit()
    return CompetencePolicyRead.model_validate(policy)
