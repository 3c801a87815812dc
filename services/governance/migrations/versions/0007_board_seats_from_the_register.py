"""The board's seats come from the partner register (R2): an organisation the register marks an
IPCB member has one seat (R27). `partner_organisations`, a second list of the partners kept
here since 0003, is dropped, and with it the board members' foreign key to it; members already
appointed keep their seats.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# SQLite keeps the foreign key unnamed: batch mode names it by this convention to drop it.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SQLITE_FK = "fk_board_members_organisation_partner_organisations"
PARTNERS = [
    ("LLR-ICB", "Leicester, Leicestershire and Rutland Integrated Care Board", "icb"),
    ("LEICESTER-CITY-COUNCIL", "Leicester City Council", "local_authority"),
    ("LEICESTERSHIRE-COUNTY-COUNCIL", "Leicestershire County Council", "local_authority"),
    ("RUTLAND-COUNTY-COUNCIL", "Rutland County Council", "local_authority"),
    ("LPT", "Leicestershire Partnership NHS Trust", "nhs_trust"),
    ("MLCSU", "Midlands and Lancashire Commissioning Support Unit", "csu"),
    ("PRIMARY-CARE", "Primary Care (GP practices and PCNs)", "primary_care"),
    ("INDEPENDENT-SECTOR", "Independent sector providers", "independent_sector"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        keys = sa.inspect(op.get_bind()).get_foreign_keys("board_members")
        for key in keys:
            if key["referred_table"] == "partner_organisations" and key["name"]:
                op.drop_constraint(key["name"], "board_members", type_="foreignkey")
    else:
        with op.batch_alter_table("board_members", naming_convention=NAMING) as batch:
            batch.drop_constraint(SQLITE_FK, type_="foreignkey")
    op.drop_table("partner_organisations")


def downgrade() -> None:
    partners = op.create_table(
        "partner_organisations",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
    )
    op.bulk_insert(partners, [{"code": c, "name": n, "kind": k} for c, n, k in PARTNERS])
    with op.batch_alter_table("board_members") as batch:
        batch.create_foreign_key(
            "board_members_organisation_fkey",
            "partner_organisations",
            ["organisation"],
            ["code"],
        )
