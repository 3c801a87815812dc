"""Handbacks (R18, R20): stopped tasks returned to their owner, acknowledged and closed; the
IPCB's time to acknowledge."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.handbacks import HandbackState, is_overdue
from services.delegation.handlers import handbacks
from services.delegation.models import Handback
from services.delegation.queries import handbacks as queries
from services.delegation.schemas.handbacks import (
    AcknowledgementCreate,
    HandbackPage,
    HandbackPolicyRead,
    HandbackPolicyUpdate,
    HandbackRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.web import Session

router = APIRouter(tags=["handbacks"])
READERS = (
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.PROVIDER_MANAGER,
    Role.COMMISSIONER,
)
# The owner's organisation: a practitioner of CHS or the GP practice, or the council's staff
# for a social care task carried by health staff.
ACKNOWLEDGERS = (Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER, Role.COMMISSIONER)


def read(session: AsyncSession, handback: Handback) -> HandbackRead:
    body = HandbackRead.model_validate(handback)
    state = HandbackState(handback.status)
    return body.model_copy(
        update={"overdue": is_overdue(state, handback.acknowledge_by, today(session))}
    )


@router.get("/handbacks", summary="Handbacks, by owner, delegation, person or state (R18)")
async def list_handbacks(
    request: Request,
    response: Response,
    session: Session,
    oversight_owner: Annotated[str | None, Query(max_length=200)] = None,
    delegation_id: UUID | None = None,
    person_id: UUID | None = None,
    state: HandbackState | None = None,
    overdue: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> HandbackPage:
    """Oldest first, a page at a time, of the people the caller's organisation has a legitimate
    relationship with (each read audited); `overdue=true` lists those not acknowledged in time."""
    where = queries.HandbackFilter(oversight_owner, delegation_id, person_id, state, overdue)
    found, next_cursor = await queries.handbacks(
        session, user, where, today(session), limit, cursor
    )
    return HandbackPage(
        items=[read(session, h) for h in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/handbacks/{handback_id}", summary="A handback: which task, for whom, since when, why")
async def get_handback(
    handback_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> HandbackRead:
    """The handback, its owner, whether it is acknowledged (and the cover) or overdue; within a
    legitimate relationship with the person (or with the glass broken), audited."""
    return read(session, await queries.handback(session, user, handback_id, break_glass))


@router.post(
    "/handbacks/{handback_id}/acknowledgement",
    summary="The owner's organisation acknowledges the handback and names the cover (R18)",
)
async def acknowledge_handback(
    handback_id: UUID,
    body: AcknowledgementCreate,
    session: Session,
    user: CurrentUser = admits(*ACKNOWLEDGERS),
) -> HandbackRead:
    """Only the organisation the task returned to, once (409 after)."""
    handback = await handbacks.acknowledge(session, user, handback_id, body)
    await session.commit()
    return read(session, handback)


@router.get(
    "/policies/handback-acknowledgement",
    tags=["reviews"],
    summary="How many days an owner has to acknowledge a handback (R18)",
)
async def handback_policy(
    session: Session, user: CurrentUser = admits(*READERS, Role.AUDITOR, Role.IPCB_MEMBER)
) -> HandbackPolicyRead:
    """The IPCB's limit: a handback not acknowledged within it is overdue."""
    return HandbackPolicyRead.model_validate(await queries.handback_policy(session))


@router.put(
    "/policies/handback-acknowledgement",
    tags=["reviews"],
    summary="Set how many days an owner has to acknowledge a handback (R18)",
)
async def set_handback_policy(
    body: HandbackPolicyUpdate, session: Session, user: CurrentUser = admits(Role.IPCB_MEMBER)
) -> HandbackPolicyRead:
    """IPCB members of a board organisation only: governed data, audited; applies to handbacks
    opened from now on."""
    policy = await handbacks.set_handback_policy(session, user, body)
    await session.commit()
    return HandbackPolicyRead.model_validate(policy)
