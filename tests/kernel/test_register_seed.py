"""R2: the register's seed fills what it may, in one statement, and keeps what governance set."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shared.db import plumbing_metadata
from shared.organisations import organisations, seed

SEED = """ods_code,name,kind,ipcb_member,national_ods_code
LLR-ICB,NHS LLR ICB,icb,true,QK1
LPT,Leicestershire Partnership NHS Trust,nhs_trust,true,RT5
CARE-CO,Care Co,care_provider,false,
NEW-ONE,A new provider,care_provider,false,AB123
"""


async def test_r2_the_seed_adds_the_new_fills_missing_national_codes_and_keeps_changed_ones(
    tmp_path: Path,
) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'register.db'}")
    file = tmp_path / "organisations.csv"
    file.write_text(SEED)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(plumbing_metadata.create_all, tables=[organisations])
            await connection.execute(
                insert(organisations),
                [
                    # as registered before national codes were kept: the seed fills it
                    {
                        "ods_code": "LLR-ICB",
                        "name": "ICB",
                        "kind": "icb",
                        "ipcb_member": True,
                        "national_ods_code": None,
                    },
                    # governance gave it another code since: the seed keeps governance's
                    {
                        "ods_code": "LPT",
                        "name": "LPT, renamed by governance",
                        "kind": "nhs_trust",
                        "ipcb_member": True,
                        "national_ods_code": "RT5X",
                    },
                ],
            )
        sessions = async_sessionmaker(engine)
        async with sessions() as session, session.begin():
            await seed(session, file)
        async with sessions() as session:
            rows = await session.execute(
                select(
                    organisations.c.ods_code,
                    organisations.c.name,
                    organisations.c.national_ods_code,
                ).order_by(organisations.c.ods_code)
            )
            register = [tuple(r) for r in rows]
    finally:
        await engine.dispose()
    assert register == [
        ("CARE-CO", "Care Co", None),
        ("LLR-ICB", "ICB", "QK1"),
        ("LPT", "LPT, renamed by governance", "RT5X"),
        ("NEW-ONE", "A new provider", "AB123"),
    ]
