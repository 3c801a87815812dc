"""R29: the Framework versions governance publishes, kept so each decision records its own."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.models import FrameworkVersion
from shared.events.governance import FrameworkVersionPublished


async def on_framework_version_published(
    session: AsyncSession, event: FrameworkVersionPublished
) -> None:
    """R29: keep the versions so that each funding decision and settlement records the one in
    force on its date (the same version published again changes nothing)."""
    await session.merge(
        FrameworkVersion(version=event.version, effective_from=event.effective_from)
    )
