"""The assessment service's settings (environment variables prefixed ASSESSMENT_)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/assessment.db"
    api_port: int = 8001
    worker_port: int = 8101
    # R5, fluctuating needs: an outcome counts as unable when it was on this share of observations.
    fluctuating_unable_share_percent: int = Field(default=50, ge=1, le=100)
    # R28: equality report counts under this are withheld.
    equality_suppress_below: int = Field(default=5, ge=1)
