"""Ad hoc occurrences (R23): recorded; once regular, the care plan is re-evaluated."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import occurrences as rules
from services.delegation.domain import reviews as review_rules
from services.delegation.domain.parties import check_decider
from services.delegation.handlers.delegations import delegation_for_update, facts_of
from services.delegation.handlers.review_due import raise_review
from services.delegation.models import Delegation, Occurrence, RegularUsePolicy
from services.delegation.queries import occurrences as queries
from services.delegation.queries.delegations import PROVIDER_ROLES
from services.delegation.schemas.occurrences import OccurrenceCreate, RegularUsePolicyUpdate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.events.delegation import ReviewReason
from shared.organisations import require_board_member
from shared.outbox import publish


async def record_occurrence(
    session: AsyncSession,
    actor: CurrentUser,
    delegation_id: uuid.UUID,
    body: OccurrenceCreate,
    idempotency_key: str | None,
) -> tuple[Occurrence, bool, bool]:
    """R23: an ad hoc occurrence, by the provider's staff (of that provider) or a practitioner
    of the MDT's organisations or the oversight owner; when they become regular the care plan
    is re-evaluated."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    if actor.role not in PROVIDER_ROLES:
        owner = delegation.oversight_owner
        check_decider(
            actor.organisation, delegation.mdt_organisations, owner, "record an occurrence"
        )
    if idempotency_key is not None:
        existing = await queries.by_key(session, idempotency_key)
        if existing is not None:
            return existing, False, delegation.reevaluation_flagged_on is not None
    on = today(session)
    rules.check_occurrence(facts_of(delegation), body.occurred_on, on)
    occurrence = Occurrence(
        id=uuid.uuid4(),
        delegation_id=delegation.id,
        occurred_on=body.occurred_on,
        recorded_by=actor.user_id,
        idempotency_key=idempotency_key,
    )
    session.add(occurrence)
    await audit(session, actor, "occurrence.record", delegation.id, str(body.occurred_on))
    await flag_if_regular(session, delegation, body.occurred_on, on)
    return occurrence, True, delegation.reevaluation_flagged_on is not None


async def flag_if_regular(
    session: AsyncSession, delegation: Delegation, occurred_on: date, on: date
) -> None:
    """R23: flag the care plan for re-evaluation once, when the threshold is reached, and
    raise the review that re-evaluates it."""
    if delegation.reevaluation_flagged_on is not None:
        return
    policy = await queries.regular_use_policy(session)
    await session.flush()
    dates = await queries.dates_within(session, delegation.id, occurred_on, policy.period_days)
    regular_use = rules.RegularUse(policy.threshold, policy.period_days)
    flagged = rules.reevaluation(facts_of(delegation), dates, occurred_on, regular_use, on)
    if flagged is None:
        return
    delegation.reevaluation_flagged_on = on
    await publish(session, flagged)
    await audit(session, SYSTEM, "delegation.reevaluation_flagged", delegation.id, "R23")
    # R23, R26: the care plan's re-evaluation is a review due at once, on the MDT's worklist.
    due = review_rules.Due(on, ReviewReason.CHANGE_IN_NEED)
    await raise_review(session, delegation, f"regular-use-{delegation.id}", due)


async def set_regular_use_policy(
    session: AsyncSession, actor: CurrentUser, body: RegularUsePolicyUpdate
) -> RegularUsePolicy:
    """R23: the IPCB decides when ad hoc occurrences have become regular: its members of a
    board organisation."""
    await require_board_member(session, actor)
    policy = await session.get_one(RegularUsePolicy, 1, with_for_update=True)
    policy.threshold, policy.period_days = body.threshold, body.period_days
    policy.updated_at, policy.updated_by = now(session), actor.user_id
    await audit(
        session,
        actor,
        "regular_use_policy.set",
        "regular_use_policy",
        f"{body.threshold} in {body.period_days} days",
    )
    return policy
