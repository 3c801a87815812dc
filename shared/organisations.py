"""The register of partner organisations (R2): data, not an enum in code.

Every service keeps the register in its own database: seeded from a file when it migrates, kept
current by `OrganisationRegistered` from governance, which owns it. A token's organisation, and
every organisation a request names, must be in it; its kind and IPCB membership decide what an
organisation may do (a rate only by a commissioner, a policy only by an IPCB member).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, String, Table, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth import CurrentUser, Role
from shared.db import insert_absent, plumbing_metadata, upsert
from shared.errors import Forbidden, InvalidInput
from shared.events.governance import OrganisationRegistered
from shared.events.vocabulary import OrganisationKind

DEFAULT_SEED = Path(__file__).parent / "data" / "organisations.csv"

organisations = Table(
    "organisations",
    plumbing_metadata,
    Column("ods_code", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("ipcb_member", Boolean, nullable=False),
    # The national ODS code (revision p004): `ods_code` is the platform's own key, which tokens
    # carry and which is an ODS code only for some entries (RT5); this one is always national.
    Column("national_ods_code", String(20), nullable=True),
)


@dataclass(frozen=True)
class Organisation:
    ods_code: str
    name: str
    kind: OrganisationKind
    ipcb_member: bool
    national_ods_code: str | None = None

    @staticmethod
    def of(row: Any) -> Organisation:
        """The organisation a row of the register holds."""
        kind = OrganisationKind(row.kind)
        return Organisation(row.ods_code, row.name, kind, row.ipcb_member, row.national_ods_code)

    @property
    def is_health(self) -> bool:
        return self.kind in {
            OrganisationKind.ICB,
            OrganisationKind.NHS_TRUST,
            OrganisationKind.GP_PRACTICE,
        }

    @property
    def commissions(self) -> bool:
        """An ICB or a council: it commissions care and sets what it pays."""
        return self.kind in {OrganisationKind.ICB, OrganisationKind.LOCAL_AUTHORITY}


def read_seed(path: Path) -> list[Organisation]:
    """The register's first entries, from a CSV: ods_code, name, kind, ipcb_member and the
    optional national_ods_code (other columns, such as a note on a code's source, are ignored)."""
    with path.open(newline="") as handle:
        return [
            Organisation(
                row["ods_code"].strip(),
                row["name"].strip(),
                OrganisationKind(row["kind"].strip()),
                row["ipcb_member"].strip().lower() == "true",
                (row.get("national_ods_code") or "").strip() or None,
            )
            for row in csv.DictReader(handle)
        ]


def _row(organisation: Organisation) -> dict[str, object]:
    return {
        "ods_code": organisation.ods_code,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "ipcb_member": organisation.ipcb_member,
        "national_ods_code": organisation.national_ods_code,
    }


async def seed(session: AsyncSession, path: Path) -> None:
    """Add the file's organisations that are not in the register yet (entries changed since by
    governance keep their change), and the file's national ODS code to an entry without one."""
    entries = read_seed(path)
    await insert_absent(session, organisations, [_row(o) for o in entries])
    national = {e.ods_code: e.national_ods_code for e in entries if e.national_ods_code}
    if national:  # one statement, not one an entry: every service seeds at every start
        await session.execute(
            update(organisations)
            .where(
                organisations.c.ods_code.in_(national),
                organisations.c.national_ods_code.is_(None),
            )
            .values(national_ods_code=case(national, value=organisations.c.ods_code))
        )


async def on_registered(session: AsyncSession, event: OrganisationRegistered) -> None:
    """Governance registered an organisation or changed its entry: every service keeps it."""
    organisation = Organisation(
        event.ods_code, event.name, event.kind, event.ipcb_member, event.national_ods_code
    )
    await upsert(session, organisations, _row(organisation))


async def find(session: AsyncSession, ods_code: str) -> Organisation | None:
    row = (
        await session.execute(select(organisations).where(organisations.c.ods_code == ods_code))
    ).one_or_none()
    return None if row is None else Organisation.of(row)


async def named(session: AsyncSession, ods_code: str, field: str) -> Organisation:
    """The organisation a request names in `field`; 422 naming the field when it is not in the
    register."""
    found = await find(session, ods_code)
    if found is None:
        raise InvalidInput(field, f"'{ods_code}' is not an organisation in the register (R2)")
    return found


async def is_board_member(session: AsyncSession, user: CurrentUser) -> bool:
    """An IPCB member of a board organisation (the register's `ipcb_member`), not any
    organisation's IPCB member."""
    if user.role is not Role.IPCB_MEMBER:
        return False
    found = await find(session, user.organisation)
    return found is not None and found.ipcb_member


async def require_board_member(session: AsyncSession, user: CurrentUser) -> None:
    """R27: the board acts through IPCB members of a board organisation, never through an IPCB
    member of any other organisation."""
    if not await is_board_member(session, user):
        raise Forbidden("only an IPCB member of a board organisation acts for the board (R27)")


class Register:
    """The caller's organisation, looked up once a minute per process, not once per request; an
    organisation not found is looked up again after a second (its registration may be arriving)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], ttl: float = 60.0, miss_ttl: float = 1.0
    ) -> None:
        self._sessions = sessions
        self._ttl = {True: ttl, False: miss_ttl}
        self._known: dict[str, tuple[float, Organisation | None]] = {}

    async def lookup(self, ods_code: str) -> Organisation | None:
        cached = self._known.get(ods_code)
        if cached is not None:
            at, found = cached
            if time.monotonic() - at < self._ttl[found is not None]:
                return found
        async with self._sessions() as session:
            found = await find(session, ods_code)
        self._known[ods_code] = (time.monotonic(), found)
        return found

    async def require(self, ods_code: str) -> Organisation:
        """The caller's organisation; 403 when it is not a partner in the register (R2)."""
        found = await self.lookup(ods_code)
        if found is None:
            raise Forbidden("your organisation is not in the partner register (R2)")
        return found
