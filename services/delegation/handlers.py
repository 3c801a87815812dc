"""The delegation service's use cases and event reactions: load, decide, record; never commit."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import FrameworkVersion
from shared.events.governance import FrameworkVersionPublished


async def on_framework_version_published(
    session: AsyncSession, event: FrameworkVersionPublished
) -> None:
    """R29: keep the versions so that each decision can record the one in force."""
    await session.merge(
        FrameworkVersion(version=event.version, effective_from=event.effective_from)
    )
