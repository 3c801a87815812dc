"""R29: the IPCB publishes versions of the Framework."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import versions as domain
from services.governance.domain.identifiers import refuse_identifiers
from services.governance.models import FrameworkVersion
from services.governance.schemas.versions import FrameworkVersionCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now
from shared.organisations import require_board_member
from shared.outbox import publish


async def publish_framework_version(
    session: AsyncSession, actor: CurrentUser, body: FrameworkVersionCreate
) -> FrameworkVersion:
    """R29: the IPCB publishes a new version; every service learns it from the event."""
    await require_board_member(session, actor)
    refuse_identifiers({"summary": body.summary}, "R29", dates=False)
    rows = await session.execute(select(FrameworkVersion.version, FrameworkVersion.effective_from))
    published = [(v, d) for v, d in rows]
    event = domain.publish_framework_version(
        published, body.version, body.effective_from, body.summary
    )
    version = FrameworkVersion(
        version=event.version,
        effective_from=event.effective_from,
        summary=event.summary,
        published_at=now(session),
        published_by=actor.user_id,
    )
    session.add(version)
    await publish(session, event)
    await audit(session, actor, "framework_version.publish", event.subject_id, body.summary)
    return version
