"""The delegation service's worklist (issue 16): the work waiting on the caller's organisation,
each kind for the roles whose work it is, of the people the organisation has a legitimate
relationship with (`people_filter`), and only what its part makes its own:

- the MDT's organisations (MDT members, registered practitioners): proposals awaiting the MDT's
  decision; reviews ReviewDue was raised for (R26), and those overdue, of the delegations whose
  MDT they sat on or whose oversight they own;
- the provider's managers: delegations awaiting its acceptance (R15), applications missed (R16),
  named workers whose competence in the task expires, as training warned (R16);
- the oversight owner (its registered practitioners, or the council's commissioners for a task
  it oversees): handbacks to acknowledge (R18), oversight visits due (R17), changes care workers
  noticed not yet considered at a review (R8), and the delegations it oversees by their next
  review. These follow the delegation's owner now: after OversightTransferred, the new one's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import RUNNING, DelegationState
from services.delegation.domain.handbacks import HandbackState
from services.delegation.domain.proposals import ProposalState
from services.delegation.domain.reviews import ReviewState
from services.delegation.models import (
    Competence,
    CompetenceWarning,
    Decision,
    Delegation,
    DeliveryRecord,
    Handback,
    Proposal,
    Review,
)
from services.delegation.queries import delivery
from services.delegation.queries.delegations import people_filter
from shared.auth import CurrentUser, Role
from shared.events.delegation import ReviewReason
from shared.events.training import in_date
from shared.worklist import Computed, Rows, Source

Columns = TypeVarTuple("Columns")

MDT = frozenset({Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER})
PROVIDER = frozenset({Role.PROVIDER_MANAGER})
# R18: the owner's organisation acknowledges a handback (services/delegation/api/handbacks.py)
ACKNOWLEDGERS = frozenset({Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER, Role.COMMISSIONER})
OWNERS = frozenset({Role.REGISTERED_PRACTITIONER, Role.COMMISSIONER})
MISSED_DAYS = 28  # missed applications: the four weeks to yesterday, as the list's default


def _related(
    query: Select[*Columns], session: AsyncSession, user: CurrentUser, person: Any
) -> Select[*Columns]:
    """Only the people the caller's organisation has a legitimate relationship with."""
    if (people := people_filter(session, user)) is not None:
        return query.where(person.in_(people))
    return query


def _listed_in(column: Any, organisation: str) -> Any:
    """A JSON list of organisations (as stored) naming `organisation`."""
    return cast(column, String).contains(f'"{organisation}"')


async def proposals_awaiting_decision(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """Submitted and not yet decided, due the day submitted (the Framework sets no time)."""
    query = select(
        Proposal.submitted_on.label("due_on"),
        Proposal.id.label("id"),
        Proposal.person_id.label("person_id"),
    ).where(Proposal.status == ProposalState.SUBMITTED)
    return _related(query, session, user, Proposal.person_id)


async def reviews_due(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R26: reviews ReviewDue was raised for, and those overdue, not yet completed, of the
    delegations whose MDT the caller's organisation sat on or whose oversight it owns."""
    query = (
        select(
            Review.due_date.label("due_on"),
            Review.id.label("id"),
            Delegation.person_id.label("person_id"),
        )
        .join(Delegation, Delegation.id == Review.delegation_id)
        .where(
            Review.status == ReviewState.DUE,
            or_(Review.raised_on.is_not(None), Review.due_date < on),
            Delegation.status.in_(RUNNING),
            or_(
                _listed_in(Delegation.mdt_organisations, user.organisation),
                Delegation.oversight_owner == user.organisation,
            ),
        )
    )
    return _related(query, session, user, Delegation.person_id)


async def delegations_awaiting_acceptance(
    session: AsyncSession, user: CurrentUser, on: date
) -> Rows:
    """R15: delegated to the caller's organisation and not yet accepted or declined; due the day
    the MDT decided."""
    decided = (
        select(func.max(Decision.decided_on))
        .where(Decision.proposal_id == Delegation.proposal_id)
        .scalar_subquery()
    )
    query = select(
        decided.label("due_on"),
        Delegation.id.label("id"),
        Delegation.person_id.label("person_id"),
    ).where(
        Delegation.status == DelegationState.AWAITING_ACCEPTANCE,
        Delegation.provider_organisation == user.organisation,
    )
    return _related(query, session, user, Delegation.person_id)


async def missed_applications(session: AsyncSession, user: CurrentUser, on: date) -> list[Computed]:
    """R16: each scheduled application with no entry over the four weeks to yesterday, of the
    tasks the caller's organisation carries, due the day it was missed."""
    last = on - timedelta(days=1)
    where = delivery.MissedFilter(last - timedelta(days=MISSED_DAYS - 1), last)
    return [
        Computed(
            due_on=m.due_on,
            id=f"{m.delegation_id}/{m.due_on.isoformat()}/{m.slot}",
            person_id=m.person_id,
            subject=f"/missed-applications?delegation_id={m.delegation_id}"
            f"&from={m.due_on.isoformat()}&to={m.due_on.isoformat()}",
        )
        for m in await delivery.missed(session, user, where)
    ]


async def competences_expiring(
    session: AsyncSession, user: CurrentUser, on: date
) -> list[Computed]:
    """R16: a worker named on one of the caller's running delegations whose competence in its
    task training warned is expiring (CompetenceExpiryWarned, at the IPCB's days); shown while
    that competence stands: a new assessment, or its lapse, clears it. Due the day it expires."""
    warnings = (
        await session.execute(
            select(CompetenceWarning, Competence)
            .join(
                Competence,
                and_(
                    Competence.worker_id == CompetenceWarning.worker_id,
                    Competence.task_code == CompetenceWarning.task_code,
                    Competence.scope == CompetenceWarning.scope,
                ),
            )
            .where(
                CompetenceWarning.provider_organisation == user.organisation,
                Competence.competent.is_(True),
                Competence.valid_until == CompetenceWarning.expires_on,
            )
        )
    ).all()
    standing = {
        (str(w.worker_id), w.task_code, w.scope): w.expires_on
        for w, _competence in warnings
        if in_date(w.expires_on, on)
    }
    if not standing:
        return []
    query = select(Delegation).where(
        Delegation.provider_organisation == user.organisation,
        Delegation.status.in_(RUNNING),
        Delegation.task_code.in_({task for _worker, task, _scope in standing}),
    )
    carried = await session.scalars(_related(query, session, user, Delegation.person_id))
    found = []
    for delegation in carried.all():
        for worker in delegation.worker_ids:
            for scope in (str(delegation.person_id), "*"):
                expires_on = standing.get((worker, delegation.task_code, scope))
                if expires_on is not None:
                    found.append(
                        Computed(
                            due_on=expires_on,
                            id=f"{delegation.id}/{worker}",
                            person_id=delegation.person_id,
                            subject=f"/delegations/{delegation.id}",
                        )
                    )
                    break  # the person's own competence first, else the general one
    return found


async def handbacks_to_acknowledge(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R18: handed back to the caller's organisation and not yet acknowledged, due the day the
    IPCB's time allows."""
    query = select(
        Handback.acknowledge_by.label("due_on"),
        Handback.id.label("id"),
        Handback.person_id.label("person_id"),
    ).where(
        Handback.status == HandbackState.OPEN,
        Handback.oversight_owner == user.organisation,
    )
    return _related(query, session, user, Handback.person_id)


async def visits_due(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R17: the next oversight visit to each running task the caller's organisation oversees,
    by the due day stored on the delegation (on an index)."""
    query = select(
        Delegation.next_visit_due.label("due_on"),
        Delegation.id.label("id"),
        Delegation.person_id.label("person_id"),
    ).where(
        Delegation.next_visit_due.is_not(None),
        Delegation.oversight_owner == user.organisation,
    )
    return _related(query, session, user, Delegation.person_id)


async def changes_noticed(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R8: changes care workers noticed at an application (the entry as it now stands) of the
    tasks the caller's organisation oversees, until a change-in-need review of the task is
    completed after it; due the day noticed."""
    considered = exists().where(
        Review.delegation_id == DeliveryRecord.delegation_id,
        Review.reason == ReviewReason.CHANGE_IN_NEED,
        Review.completed_on.is_not(None),
        Review.completed_on >= DeliveryRecord.due_on,
    )
    query = (
        select(
            DeliveryRecord.due_on.label("due_on"),
            DeliveryRecord.id.label("id"),
            DeliveryRecord.person_id.label("person_id"),
        )
        .join(Delegation, Delegation.id == DeliveryRecord.delegation_id)
        .where(
            DeliveryRecord.change_noticed.is_(True),
            delivery.current(),
            Delegation.oversight_owner == user.organisation,
            ~considered,
        )
    )
    return _related(query, session, user, DeliveryRecord.person_id)


async def delegations_overseen(session: AsyncSession, user: CurrentUser, on: date) -> Rows:
    """R17, R26: the running tasks the caller's organisation oversees, by their next review."""
    query = select(
        Delegation.next_review_due.label("due_on"),
        Delegation.id.label("id"),
        Delegation.person_id.label("person_id"),
    ).where(
        Delegation.status.in_(RUNNING),
        Delegation.oversight_owner == user.organisation,
        Delegation.next_review_due.is_not(None),
    )
    return _related(query, session, user, Delegation.person_id)


SOURCES = (
    Source("proposal_awaiting_decision", MDT, proposals_awaiting_decision, "/proposals/{id}"),
    Source("review_due", MDT, reviews_due, "/reviews/{id}"),
    Source(
        "delegation_awaiting_acceptance",
        PROVIDER,
        delegations_awaiting_acceptance,
        "/delegations/{id}",
    ),
    Source("missed_application", PROVIDER, missed_applications, "/missed-applications", str),
    Source("competence_expiring", PROVIDER, competences_expiring, "/delegations", str),
    Source("handback_to_acknowledge", ACKNOWLEDGERS, handbacks_to_acknowledge, "/handbacks/{id}"),
    Source("visit_due", OWNERS, visits_due, "/delegations/{id}/oversight-visits"),
    Source("change_noticed", OWNERS, changes_noticed, "/delivery-records/{id}"),
    Source("delegation_overseen", OWNERS, delegations_overseen, "/delegations/{id}"),
)
