"""Joint packages and their terms over time, for the organisations party to them."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.packages import ShareTerm, Terms
from services.funding.models import (
    JointPackage,
    PackageTerms,
)
from shared.access import person_record
from shared.auth import CurrentUser
from shared.errors import NotFound


def shares_of(document: dict[str, object]) -> tuple[ShareTerm, ...]:
    raw = document.get("shares", [])
    assert isinstance(raw, list)
    return tuple(ShareTerm(s["organisation"], s.get("percent"), s.get("weekly_pence")) for s in raw)


def as_terms(terms: PackageTerms, person_id: UUID) -> Terms:
    return Terms(
        terms.id,
        terms.package_id,
        person_id,
        terms.effective_from,
        terms.weekly_cost_pence,
        shares_of(terms.shares),
    )


async def package_terms(session: AsyncSession, package_id: UUID) -> Sequence[PackageTerms]:
    query = (
        select(PackageTerms)
        .where(PackageTerms.package_id == package_id)
        .order_by(PackageTerms.effective_from)
    )
    return (await session.scalars(query)).all()


def parties_of(terms: Sequence[PackageTerms]) -> list[str]:
    return sorted({s.organisation for t in terms for s in shares_of(t.shares)})


async def package_for(
    session: AsyncSession, user: CurrentUser, package_id: UUID
) -> tuple[JointPackage, Sequence[PackageTerms]]:
    """A joint package, for the organisations party to it with a relationship with its person
    only (others get 404); the read is audited."""
    package = await session.get(JointPackage, package_id)
    terms = await package_terms(session, package_id)
    if package is None or user.organisation not in parties_of(terms):
        raise NotFound(f"no joint package {package_id}")
    await person_record(session, user, package.person_id, "joint_package")
    return package, terms
