"""The governance service's settings (environment variables prefixed GOVERNANCE_)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/governance.db"
    api_port: int = 8005
    worker_port: int = 8105

    # R22: a CSU case unresolved for longer than this many days is listed as open too long.
    dispute_open_too_long_days: int = 28
    # R22: the CSU that holds joint-funding dispute cases under the LLR inter-agency policy (an
    # ODS code in the register). A case records its holder when it opens; only that CSU's
    # officers see and act on it.
    dispute_csu: str = "MLCSU"

    # Partners' webhooks: the scheduler's job sends the deliveries that are due.
    scheduler_interval_seconds: float = 5.0
    # A delivery is parked after this many failed attempts; the first retry waits
    # `webhook_backoff_seconds`, each next one twice as long, never longer than the ceiling.
    webhook_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_seconds: float = Field(default=30.0, ge=0)
    webhook_backoff_max_seconds: float = Field(default=3600.0, ge=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_batch_size: int = Field(default=100, ge=1)
    # After a rotation, deliveries carry signatures by the old and the new secret for this long.
    webhook_secret_grace_hours: float = Field(default=24.0, ge=0)
