"""The funding service's settings (environment variables prefixed FUNDING_)."""

from datetime import date

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/funding.db"
    api_port: int = 8004
    worker_port: int = 8104

    # R20: who funds a healthcare task without prejudice while no funding decision is made.
    health_commissioner: str = "LLR-ICB"
    # What a TaskDelegated's accountable_organisation says when the funding decision is pending.
    undecided_organisations: tuple[str, ...] = ("UNDECIDED", "PENDING", "")
    # Recharge statements: four-weekly periods run 28 days at a time from this Monday.
    four_weekly_anchor: date = date(2025, 3, 31)
