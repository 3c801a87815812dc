"""Who may read a person's records, the audit of every such read, and the audit trail itself.

A read of a person's records passes `person_record` (one person) or filters by `visible_people`
and passes `listed` (a list): within a legitimate relationship it is audited as direct care;
outside one a registered practitioner may break the glass with a stated reason (audited as such
and listed for the organisation's auditor); anyone else is answered 404, as if the person did not
exist. Every service serves its own trail at `GET /audit`: an auditor sees their organisation's
entries, a platform auditor (the host organisation's) sees all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared import pages
from shared.audit import Purpose, audit_log, audit_reads
from shared.auth import CurrentUser, Role, admits
from shared.errors import Forbidden, NotFound
from shared.relationships import NEVER_PERSONAL, people_visible_to, related

BREAK_GLASS_HEADER = "X-Break-Glass-Reason"
BreakGlass = Annotated[
    str | None,
    Header(
        alias=BREAK_GLASS_HEADER,
        min_length=10,
        max_length=500,
        description=(
            "A registered practitioner reading a person outside a legitimate relationship "
            "states why (break-glass): the read is allowed, audited as break-glass and listed "
            "for the organisation's auditor"
        ),
    ),
]


def _no_people(user: CurrentUser) -> None:
    if user.role in NEVER_PERSONAL:
        raise Forbidden(f"role '{user.role}' sees pseudonymous reports, not a person's records")


async def person_record(
    session: AsyncSession,
    user: CurrentUser,
    person_id: uuid.UUID,
    record: str,
    break_glass: str | None = None,
) -> Purpose:
    """Allow and audit one read of a person's `record`, or answer 404 (403 for report roles)."""
    _no_people(user)
    if user.role is Role.SERVICE:
        purpose = Purpose.SERVICE
    elif await related(session, user.organisation, person_id):
        purpose = Purpose.DIRECT_CARE
    elif break_glass is not None and user.role is Role.REGISTERED_PRACTITIONER:
        purpose = Purpose.BREAK_GLASS
    else:
        raise NotFound(f"no such {record}, or none your organisation may see")
    await audit_reads(session, user, record, [person_id], purpose, break_glass)
    return purpose


async def may_act_on(
    session: AsyncSession, actor: CurrentUser, person_id: uuid.UUID, break_glass: str | None = None
) -> None:
    """A write about a person needs the caller's organisation to hold a relationship with them,
    else 404; `break_glass` (only where the write makes the relationship) lets a registered
    practitioner act outside one, audited as break-glass."""
    if actor.role is Role.SERVICE or await related(session, actor.organisation, person_id):
        return
    if break_glass is not None and actor.role is Role.REGISTERED_PRACTITIONER:
        await audit_reads(session, actor, "person", [person_id], Purpose.BREAK_GLASS, break_glass)
        return
    raise NotFound(f"no person {person_id}")


def visible_people(user: CurrentUser, at: datetime) -> Select[tuple[uuid.UUID]] | None:
    """The people whose records a list may show the caller now; None: every one (a platform
    service call). Filter with `Model.person_id.in_(...)`."""
    _no_people(user)
    if user.role is Role.SERVICE:
        return None
    return people_visible_to(user.organisation, at)


async def listed(
    session: AsyncSession, user: CurrentUser, record: str, people: Iterable[uuid.UUID]
) -> None:
    """Audit a list's read: one row per person it showed."""
    purpose = Purpose.SERVICE if user.role is Role.SERVICE else Purpose.DIRECT_CARE
    await audit_reads(session, user, record, people, purpose)


# The audit trail, in every service.


class AuditEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    user_id: str
    role: str
    organisation: str
    action: str
    subject: str
    reason: str | None
    person_id: str | None
    purpose: str | None


class AuditPage(pages.Page[AuditEntry]):
    """The audit trail, newest first."""


router = APIRouter()


class Caller(BaseModel):
    user_id: str
    role: Role
    organisation: str
    organisation_kind: str
    ipcb_member: bool


@router.get("/me", tags=["caller"], summary="Who the service takes the caller to be")
async def read_caller(request: Request, user: CurrentUser = admits(*Role)) -> Caller:
    """The caller as this service sees them: their role, and their organisation as the partner
    register knows it (403 when it is not in the register)."""
    organisation = await request.app.state.runtime.register.require(user.organisation)
    return Caller(
        user_id=user.user_id,
        role=user.role,
        organisation=user.organisation,
        organisation_kind=organisation.kind.value,
        ipcb_member=organisation.ipcb_member,
    )


def _sees_all(request: Request, user: CurrentUser) -> bool:
    hosts: list[str] = request.app.state.runtime.settings.platform_auditor_organisations
    return user.organisation in hosts


@router.get("/audit", tags=["audit"], summary="Read the audit trail (paginated, newest first)")
async def read_audit_trail(
    request: Request,
    response: Response,
    user: CurrentUser = admits(Role.AUDITOR),
    person_id: str | None = Query(default=None, max_length=64),
    subject: str | None = Query(default=None, max_length=200),
    purpose: Purpose | None = Query(
        default=None, description="`break_glass`: the reads to review (the Caldicott view)"
    ),
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> AuditPage:
    """Who did or read what, when, whose and why. An auditor sees their own organisation's
    entries; an auditor of a platform organisation (setting) sees every organisation's."""
    query: Select[Any] = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit + 1)
    if not _sees_all(request, user):
        query = query.where(audit_log.c.organisation == user.organisation)
    if person_id is not None:
        query = query.where(audit_log.c.person_id == person_id)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    if purpose is not None:
        query = query.where(audit_log.c.purpose == purpose.value)
    if cursor is not None:
        query = query.where(audit_log.c.id < pages.decode(cursor, pages.number)[0])
    async with request.app.state.runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    items = [AuditEntry.model_validate(r, from_attributes=True) for r in rows[:limit]]
    next_cursor = pages.encode(items[-1].id) if len(rows) > limit else None
    return AuditPage(
        items=items, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )
