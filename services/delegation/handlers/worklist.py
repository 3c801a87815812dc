"""What puts work on a worklist that delegation does not keep itself (issue 16): a competence
about to expire, as training warned of it (R16), for the provider whose workers are named."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import CompetenceWarning
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import today
from shared.events.training import CompetenceExpiryWarned


def scope_of(event: CompetenceExpiryWarned) -> str:
    """As the competence projection keys it: for one person, or any ('*')."""
    return str(event.person_id) if event.person_id else "*"


async def on_competence_expiry_warned(session: AsyncSession, event: CompetenceExpiryWarned) -> None:
    """R16: training warns (at the IPCB's days) that a worker's competence in a task expires;
    the provider's worklist shows it while that competence stands, until a new assessment or
    its lapse. One warning per worker, task and scope: a redelivery, or an older competence's
    warning arriving late, changes nothing."""
    key = (event.worker_id, event.task_code, scope_of(event))
    found = await session.get(CompetenceWarning, key, with_for_update=True)
    if found is None:
        session.add(
            CompetenceWarning(
                worker_id=event.worker_id,
                task_code=event.task_code,
                scope=scope_of(event),
                provider_organisation=event.provider_organisation,
                expires_on=event.expires_on,
                days_before=event.days_before,
                warned_on=today(session),
            )
        )
    elif (event.expires_on, -event.days_before) > (found.expires_on, -found.days_before):
        # a later competence's warning, or a nearer warning of the same one
        found.expires_on, found.days_before = event.expires_on, event.days_before
        found.provider_organisation, found.warned_on = event.provider_organisation, today(session)
    else:
        return
    await audit(
        session, SYSTEM, "competence.expiry_warned", event.worker_id, f"{event.days_before} days"
    )
