"""Routes for competence assessments (R16), warnings, escalations and the policy (R25)."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.training.handlers import competence as handlers
from services.training.handlers import workers
from services.training.queries import competence as queries
from services.training.queries import refreshers
from services.training.queries.workers import competence_policy, load_worker
from services.training.schemas.competence import (
    AssessmentCreate,
    AssessmentRead,
    CompetencePolicyRead,
    CompetencePolicyUpdate,
    CompetenceRead,
    EscalationRead,
    RefresherDueRead,
    WarningRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["competence"])
ASSESSORS = (Role.REGISTERED_PRACTITIONER, Role.PROVIDER_MANAGER, Role.CARE_WORKER)
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER, Role.IPCB_MEMBER, Role.AUDITOR)


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
    worker_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> list[AssessmentRead]:
    """Every assessment of the worker, oldest first."""
    worker = await load_worker(session, user, worker_id)
    return [AssessmentRead.model_validate(a) for a in await queries.assessments(session, worker.id)]


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
    session: Session, provider: str | None = None, user: CurrentUser = admits(*READERS)
) -> list[WarningRead]:
    """Warnings of competence about to expire, to the providers the caller sees."""
    return [WarningRead.model_validate(w) for w in await queries.warnings(session, user, provider)]


@router.get("/refreshers-due", summary="Refresher training due and not done (R25)")
async def list_refreshers_due(
    session: Session, provider: str | None = None, user: CurrentUser = admits(*READERS)
) -> list[RefresherDueRead]:
    """Refreshers the workers' training plans ask for, announced 30 days before their day and
    not done yet, of the providers the caller sees; missed, the competence lapses."""
    rows = await refreshers.due_refreshers(session, user, provider)
    return [RefresherDueRead.model_validate(r) for r in rows]


@router.get("/failure-escalations", summary="Workers not achieving competence (R25)")
async def list_escalations(
    session: Session, provider: str | None = None, user: CurrentUser = admits(*READERS)
) -> list[EscalationRead]:
    """Workers who failed the configured number of times, of the providers the caller sees."""
    rows = await queries.escalations(session, user, provider)
    return [EscalationRead.model_validate(e) for e in rows]


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
