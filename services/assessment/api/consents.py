"""Routes for consent to a delegated task (R7)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.assessment.api.roles import ASSESSORS, READERS
from services.assessment.handlers import consents as handlers
from services.assessment.queries import consents as queries
from services.assessment.schemas.consents import (
    ConsentCreate,
    ConsentPage,
    ConsentRead,
    ConsentWithdrawal,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["consent"])


@router.post(
    "/people/{person_id}/consents",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(ConsentRead),
    summary="Record consent to a delegated task (R7)",
)
async def record_consent(
    person_id: UUID,
    body: ConsentCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> ConsentRead:
    """Consent by the person or a lawful representative, recorded on the support plan. A
    repeated Idempotency-Key answers 200 with the consent it recorded."""
    consent, created = await handlers.record_consent(
        session, user, person_id, body, idempotency_key
    )
    await session.commit()
    answer_replay(response, created)
    return ConsentRead.model_validate(consent)


@router.get("/people/{person_id}/consents", summary="The person's consent history (R7)")
async def list_consents(
    person_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    withdrawn: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> ConsentPage:
    """Every consent ever recorded, withdrawn ones included: history is never erased. Oldest
    first, a page at a time; by task, provider or whether withdrawn."""
    where = queries.ConsentFilter(task_code, provider_organisation, withdrawn)
    found, next_cursor = await queries.consents(
        session, user, person_id, where, limit, cursor, break_glass
    )
    return ConsentPage(
        items=[ConsentRead.model_validate(c) for c in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/people/{person_id}/consents/{consent_id}", summary="Read a consent (R7)")
async def read_consent(
    person_id: UUID,
    consent_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> ConsentRead:
    """One consent and, if withdrawn, its withdrawal."""
    found = await queries.consent(session, user, person_id, consent_id, break_glass)
    return ConsentRead.model_validate(found)


@router.post(
    "/people/{person_id}/consents/{consent_id}/withdrawal",
    summary="Withdraw consent (R7)",
)
async def withdraw_consent(
    person_id: UUID,
    consent_id: UUID,
    body: ConsentWithdrawal,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> ConsentRead:
    """Withdrawal stops the delegation; the consent stays on record beside its withdrawal. A
    repeated Idempotency-Key answers with the withdrawal it recorded."""
    consent, _ = await handlers.withdraw_consent(
        session, user, person_id, consent_id, body, idempotency_key
    )
    await session.commit()
    return ConsentRead.model_validate(consent)
