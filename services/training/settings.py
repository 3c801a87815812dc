"""The training service's settings (environment variables prefixed TRAINING_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRAINING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/training.db"
    api_port: int = 8003
    worker_port: int = 8103
