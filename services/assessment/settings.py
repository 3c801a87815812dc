"""The assessment service's settings (environment variables prefixed ASSESSMENT_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/assessment.db"
    api_port: int = 8001
    worker_port: int = 8101
