"""Assessors: the IPCB approves who may assess (R25); a provider approves who acts for it (R16)."""

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.assessors import EVERY_PRACTITIONER
from services.training.models import ApprovedAssessor, AssessorApproval
from services.training.queries.assessors import approval_of
from services.training.schemas.assessors import ApprovedAssessorCreate, AssessorApprovalCreate
from shared import organisations
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.errors import InvalidInput, NotFound
from shared.organisations import require_board_member


async def approve_assessor(
    session: AsyncSession, actor: CurrentUser, body: ApprovedAssessorCreate
) -> ApprovedAssessor:
    """R25: the IPCB adds someone who is not a registered practitioner to the approved
    competence assessors (a repeat changes nothing)."""
    await require_board_member(session, actor)
    await organisations.named(session, body.organisation, "organisation")
    existing = await session.get(ApprovedAssessor, body.user_id)
    if existing is not None:
        return existing
    assessor = ApprovedAssessor(
        user_id=body.user_id,
        organisation=body.organisation,
        approved_by=actor.user_id,
        approved_on=today(session),
    )
    session.add(assessor)
    await session.flush()
    await audit(session, actor, "assessor.approve", body.user_id, body.organisation)
    return assessor


async def approve_for_provider(
    session: AsyncSession, actor: CurrentUser, body: AssessorApprovalCreate
) -> tuple[AssessorApproval, bool]:
    """R16: the provider's manager approves an assessor (of any partner organisation), or every
    registered practitioner of an organisation, to train, assess and instruct its workers; the
    same approval again changes nothing (False)."""
    await organisations.named(session, body.organisation, "organisation")
    provider, whom = actor.organisation, body.user_id or EVERY_PRACTITIONER
    if whom == EVERY_PRACTITIONER and body.user_id is not None:
        raise InvalidInput("user_id", "leave it out to approve every registered practitioner")
    approval = await approval_of(session, provider, body.organisation, whom)
    if approval is not None and approval.withdrawn_on is None:
        return approval, False
    if approval is None:
        approval = AssessorApproval(
            id=uuid4(),
            provider_organisation=provider,
            assessor_organisation=body.organisation,
            user_id=whom,
        )
        session.add(approval)
    approval.approved_by, approval.approved_on = actor.user_id, today(session)
    approval.withdrawn_on = None
    await session.flush()
    await audit(session, actor, "assessor.act_for", approval.id, body.organisation)
    return approval, True


async def withdraw_approval(
    session: AsyncSession, actor: CurrentUser, approval_id: UUID
) -> AssessorApproval:
    """R16: the provider withdraws an approval: from now the assessor no longer acts for it."""
    approval = await session.get(AssessorApproval, approval_id)
    if approval is None or approval.provider_organisation != actor.organisation:
        raise NotFound(f"no assessor approval {approval_id}")
    if approval.withdrawn_on is None:
        approval.withdrawn_on = today(session)
        await audit(session, actor, "assessor.withdraw", approval.id, approval.user_id)
    return approval
