"""A registered practitioner proposes a delegation to the MDT (R1, R3, R4, R13)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.accountability import registration_number
from services.delegation.domain.proposals import ProposalState
from services.delegation.handlers import parties
from services.delegation.handlers.catalogue import task_in_force
from services.delegation.models import HealthNeed, Proposal, Task
from services.delegation.schemas.proposals import ProposalCreate
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.errors import InvalidInput
from shared.events.delegation import ProposalSubmitted
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory
from shared.outbox import publish


def task_rules(task: Task) -> check.Task:
    return check.Task(
        task.code,
        TaskCategory(task.category),
        Delegability(task.delegability),
        task.active,
        task.needs_specific_training,
    )


async def catalogue_entry(session: AsyncSession, task_code: str) -> Task:
    """R10: the entry in force today; entries are deactivated, never deleted."""
    task = await task_in_force(session, task_code)
    if task is None:
        raise InvalidInput("task_code", f"'{task_code}' is not in the task catalogue")
    return task


async def submit_proposal(
    session: AsyncSession, actor: CurrentUser, body: ProposalCreate, idempotency_key: str | None
) -> tuple[Proposal, bool]:
    """R1, R3, R13: a registered practitioner of an organisation with a relationship with the
    person proposes (else 404, as for any write about a person); a repeated key returns the
    first."""
    if idempotency_key is not None:
        existing = await session.scalar(
            select(Proposal).where(Proposal.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing, False
    await may_act_on(session, actor, body.person_id)  # the proposer's organisation knows them
    task = await catalogue_entry(session, body.task_code)
    rules.check_proposal(task_rules(task), body.direction, practitioner_of(body))
    await parties.check_provider(session, body.direction, body.provider_organisation)
    if body.health_need_id is not None:
        need = await session.get(HealthNeed, body.health_need_id)
        listed = None if need is None or need.person_id != body.person_id else need.task_codes
        rules.check_health_need(task.code, None if listed is None else tuple(listed))
    proposal = new_proposal(actor, body, task, idempotency_key, today(session))
    session.add(proposal)
    await publish(session, submitted(proposal))
    await audit(session, actor, "proposal.submit", proposal.id, body.task_code)
    return proposal, True


def practitioner_of(body: ProposalCreate) -> rules.Practitioner:
    found = body.practitioner
    return rules.Practitioner(
        found.professional_body, found.registration_number, found.competent_in_task
    )


def new_proposal(
    actor: CurrentUser, body: ProposalCreate, task: Task, key: str | None, on: date
) -> Proposal:
    return Proposal(
        id=uuid.uuid4(),
        person_id=body.person_id,
        task_code=task.code,
        category=task.category,
        direction=body.direction,
        setting=body.setting,
        practitioner_id=actor.user_id,
        professional_body=body.practitioner.professional_body,
        registration_number=registration_number(body.practitioner.registration_number),
        competence_basis=body.practitioner.competence_basis,
        provider_organisation=body.provider_organisation,
        frequency=body.frequency,
        additional_minutes_per_week=body.additional_minutes_per_week,
        contact_arrangements=body.contact_arrangements,
        status=ProposalState.SUBMITTED,
        submitted_on=on,
        idempotency_key=key,
        health_need_id=body.health_need_id,
        proposed_by_organisation=actor.organisation,
    )


def submitted(proposal: Proposal) -> ProposalSubmitted:
    return ProposalSubmitted(
        person_id=proposal.person_id,
        proposal_id=proposal.id,
        task_code=proposal.task_code,
        category=TaskCategory(proposal.category),
        direction=Direction(proposal.direction),
        setting=Setting(proposal.setting),
        provider_organisation=proposal.provider_organisation,
        additional_minutes_per_week=proposal.additional_minutes_per_week,
        submitted_on=proposal.submitted_on,
        proposed_by_organisation=proposal.proposed_by_organisation,
    )


def facts_of(proposal: Proposal) -> rules.Proposal:
    return rules.Proposal(
        proposal.id,
        proposal.person_id,
        proposal.task_code,
        TaskCategory(proposal.category),
        Direction(proposal.direction),
        Setting(proposal.setting),
        ProposalState(proposal.status),
        proposal.registration_number,
        proposal.additional_minutes_per_week,
    )
