"""Joint packages and their terms over time, for the organisations party to them."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.packages import PackageState, ShareTerm, Terms
from services.funding.models import (
    JointPackage,
    PackageReview,
    PackageTerms,
)
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import NotFound


def shares_of(document: dict[str, object]) -> tuple[ShareTerm, ...]:
    raw = document.get("shares", [])
    assert isinstance(raw, list)
    return tuple(ShareTerm(s["organisation"], s.get("percent"), s.get("weekly_pence")) for s in raw)


def as_terms(terms: PackageTerms, person_id: UUID, ends_on: date | None = None) -> Terms:
    return Terms(
        terms.id,
        terms.package_id,
        person_id,
        terms.effective_from,
        terms.weekly_cost_pence,
        shares_of(terms.shares),
        ends_on,
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


async def package_reviews(session: AsyncSession, package_id: UUID) -> Sequence[PackageReview]:
    query = (
        select(PackageReview)
        .where(PackageReview.package_id == package_id)
        .order_by(PackageReview.reviewed_on, PackageReview.recorded_at)
    )
    return (await session.scalars(query)).all()


async def overdue_reviews(session: AsyncSession, user: CurrentUser) -> list[JointPackage]:
    """A 5.14: running packages the caller's organisation is party to whose review is past due,
    of the people it has a relationship with (each read audited), the longest overdue first."""
    query = (
        select(JointPackage)
        .where(JointPackage.status != PackageState.ENDED, JointPackage.review_due < today(session))
        .order_by(JointPackage.review_due, JointPackage.id)
    )
    if (people := visible_people(user, now(session))) is not None:
        query = query.where(JointPackage.person_id.in_(people))
    found = [
        p
        for p in (await session.scalars(query)).all()
        if user.organisation in parties_of(await package_terms(session, p.id))
    ]
    await listed(session, user, "joint_package", [p.person_id for p in found])
    return found
