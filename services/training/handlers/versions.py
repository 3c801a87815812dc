"""Event reactions that keep the Framework versions (R29) competence sign-offs record."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import FrameworkVersion
from shared.events.governance import FrameworkVersionPublished


async def on_framework_version_published(
    session: AsyncSession, event: FrameworkVersionPublished
) -> None:
    """R29: keep the versions so that each competence sign-off records the one in force."""
    await session.merge(
        FrameworkVersion(version=event.version, effective_from=event.effective_from)
    )
