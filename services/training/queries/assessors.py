"""The read side of assessors: who is approved to assess (R25), whom each provider approved to
act for it (R16), and so whose workers a caller sees or acts for."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from services.training.domain.assessors import (
    EVERY_PRACTITIONER,
    EVERY_PROVIDER,
    Scope,
    scope_of,
)
from services.training.models import ApprovedAssessor, AssessorApproval
from shared import pages
from shared.access import visible_people
from shared.auth import CurrentUser, Role
from shared.organisations import is_board_member, require_board_member
from shared.relationships import related


async def providers_approving(session: AsyncSession, user: CurrentUser) -> list[str]:
    """The providers whose approval, not withdrawn, lets the caller act for them: of the caller
    by name, or of every registered practitioner of the caller's organisation."""
    approved = AssessorApproval.user_id
    named = and_(approved == user.user_id, approved != EVERY_PRACTITIONER)
    whom = or_(named, approved == EVERY_PRACTITIONER) if _practitioner(user) else named
    rows = await session.scalars(
        select(AssessorApproval.provider_organisation).where(
            whom,
            AssessorApproval.assessor_organisation == user.organisation,
            AssessorApproval.withdrawn_on.is_(None),
        )
    )
    return list(rows)


def _practitioner(user: CurrentUser) -> bool:
    return user.role is Role.REGISTERED_PRACTITIONER


async def scope(session: AsyncSession, user: CurrentUser, *, acting: bool = False) -> Scope:
    """Whose workers the caller sees (or, `acting`, trains, assesses and instructs): their own
    organisation's and those of the providers that approved them. The IPCB oversees every
    provider's competence (R27) but acts on none; an IPCB member of an organisation that does
    not sit on the board is refused."""
    if user.role is Role.SERVICE:
        return EVERY_PROVIDER
    if user.role is Role.IPCB_MEMBER and not acting:
        await require_board_member(session, user)
        return EVERY_PROVIDER
    return scope_of(user.organisation, await providers_approving(session, user))


def covered(provider: Mapped[str], visible: Scope) -> ColumnElement[bool]:
    """Filter rows by their provider column to the providers in scope."""
    return true() if visible.providers is None else provider.in_(visible.providers)


async def sees_task_for(
    session: AsyncSession, user: CurrentUser, provider: str, person_id: UUID
) -> bool:
    """A person's delegated task (its training plan, its instructions) is seen by the provider
    and those acting for it, and by organisations with a legitimate relationship with the
    person (the delegating trust, the oversight owner)."""
    if (await scope(session, user)).covers(provider):
        return True
    return await related(session, user.organisation, person_id)


def task_visible(
    user: CurrentUser, visible: Scope, provider: Mapped[str], person_id: Mapped[UUID], at: datetime
) -> ColumnElement[bool]:
    """Filter a list of people's tasks as `sees_task_for` decides one."""
    people = visible_people(user, at)
    if people is None:
        return true()
    return or_(covered(provider, visible), person_id.in_(people))


APPROVED = (pages.Key(ApprovedAssessor.user_id, str),)


async def approved_assessors(
    session: AsyncSession, organisation: str | None, limit: int, cursor: str | None
) -> tuple[Sequence[ApprovedAssessor], str | None]:
    """By user id, a page at a time (of one organisation, when given)."""
    query = select(ApprovedAssessor)
    if organisation is not None:
        query = query.where(ApprovedAssessor.organisation == organisation)
    return await pages.keyset(session, query, APPROVED, limit, cursor)


async def is_approved_assessor(session: AsyncSession, user: CurrentUser) -> bool:
    assessor = await session.get(ApprovedAssessor, user.user_id)
    return assessor is not None and assessor.organisation == user.organisation


@dataclass(frozen=True)
class ApprovalFilter:
    provider_organisation: str | None = None
    assessor_organisation: str | None = None
    withdrawn: bool | None = None


APPROVALS = (
    pages.Key(AssessorApproval.provider_organisation, str),
    pages.Key(AssessorApproval.id, UUID),
)


async def approvals(
    session: AsyncSession,
    user: CurrentUser,
    where: ApprovalFilter,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[AssessorApproval], str | None]:
    """The approvals a provider gave and those naming the caller's organisation (the IPCB sees
    every one), by provider, a page at a time."""
    query = select(AssessorApproval)
    if not await is_board_member(session, user):
        query = query.where(
            or_(
                AssessorApproval.provider_organisation == user.organisation,
                AssessorApproval.assessor_organisation == user.organisation,
            )
        )
    if where.provider_organisation is not None:
        query = query.where(AssessorApproval.provider_organisation == where.provider_organisation)
    if where.assessor_organisation is not None:
        query = query.where(AssessorApproval.assessor_organisation == where.assessor_organisation)
    if where.withdrawn is not None:
        withdrawn = AssessorApproval.withdrawn_on.is_not(None)
        query = query.where(withdrawn if where.withdrawn else ~withdrawn)
    return await pages.keyset(session, query, APPROVALS, limit, cursor)


async def approval_of(
    session: AsyncSession, provider: str, organisation: str, user_id: str
) -> AssessorApproval | None:
    return await session.scalar(
        select(AssessorApproval).where(
            AssessorApproval.provider_organisation == provider,
            AssessorApproval.assessor_organisation == organisation,
            AssessorApproval.user_id == user_id,
        )
    )
