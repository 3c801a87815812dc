"""A person's GP practice changing (R17): primary care oversight of their tasks follows it."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import people
from services.assessment.handlers.people import locked_person
from services.assessment.models import Person
from services.assessment.schemas.people import GpPracticeUpdate
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.dates import not_in_future
from shared.db import today
from shared.outbox import publish


async def change_gp_practice(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, body: GpPracticeUpdate
) -> Person:
    """R17: a new practice is recorded and published; the same practice again changes nothing."""
    on = today(session)
    effective = on if body.effective_date is None else body.effective_date
    not_in_future("effective_date", effective, on)
    await may_act_on(session, actor, person_id)
    person = await locked_person(session, person_id)
    facts = people.PersonFacts(
        person.id, person.gp_practice, person.open_to_community_health_services
    )
    changed = people.change_gp_practice(facts, body.gp_practice, effective)
    if changed is None:
        return person
    person.gp_practice = changed.gp_practice
    await publish(session, changed)
    await audit(session, actor, "person.gp_practice.change", person.id, changed.gp_practice)
    return person
