"""The delegation service's settings (environment variables prefixed DELEGATION_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DELEGATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/delegation.db"
    api_port: int = 8002
    worker_port: int = 8102
