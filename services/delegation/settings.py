"""The delegation service's settings (environment variables prefixed DELEGATION_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DELEGATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/delegation.db"
    api_port: int = 8002
    worker_port: int = 8102

    icb_organisation: str = "LLR-ICB"  # accountable for health tasks delegated to social care
    chs_organisation: str = "LPT"  # Community Health Services: oversight while open to them
