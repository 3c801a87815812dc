"""Joint packages and their terms over time, for the organisations party to them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.packages import PackageState, ShareTerm, Terms
from services.funding.models import (
    JointPackage,
    PackageReview,
    PackageTerms,
)
from shared import pages
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


REVIEW_ORDER = (
    pages.Key(PackageReview.reviewed_on, date),
    pages.Key(PackageReview.recorded_at, datetime),
    pages.Key(PackageReview.id, UUID),
)


async def package_reviews(
    session: AsyncSession,
    package_id: UUID,
    reviewed: tuple[date | None, date | None],
    limit: int,
    cursor: str | None,
) -> tuple[list[PackageReview], str | None]:
    """A package's reviews, oldest first, held between `reviewed` (each end included)."""
    query = select(PackageReview).where(PackageReview.package_id == package_id)
    if reviewed[0] is not None:
        query = query.where(PackageReview.reviewed_on >= reviewed[0])
    if reviewed[1] is not None:
        query = query.where(PackageReview.reviewed_on <= reviewed[1])
    return await pages.keyset(session, query, REVIEW_ORDER, limit, cursor)


@dataclass(frozen=True)
class OverdueFilter:
    person_id: UUID | None = None
    status: PackageState | None = None
    setting: str | None = None


OVERDUE_ORDER = (pages.Key(JointPackage.review_due, date), pages.Key(JointPackage.id, UUID))


async def overdue_reviews(
    session: AsyncSession, user: CurrentUser, where: OverdueFilter, limit: int, cursor: str | None
) -> tuple[list[JointPackage], str | None]:
    """A 5.14: running packages the caller's organisation is party to whose review is past due,
    of the people it has a relationship with (each read audited), the longest overdue first."""
    query = select(JointPackage).where(
        JointPackage.status != PackageState.ENDED, JointPackage.review_due < today(session)
    )
    if (people := visible_people(user, now(session))) is not None:
        query = query.where(JointPackage.person_id.in_(people))
    for column, value in (
        (JointPackage.person_id, where.person_id),
        (JointPackage.status, where.status),
        (JointPackage.setting, where.setting),
    ):
        if value is not None:
            query = query.where(column == value)

    async def party(package: JointPackage) -> bool:
        return user.organisation in parties_of(await package_terms(session, package.id))

    found, next_cursor = await pages.keyset_kept(
        session, query, OVERDUE_ORDER, limit, cursor, party
    )
    await listed(session, user, "joint_package", [p.person_id for p in found])
    return found, next_cursor
