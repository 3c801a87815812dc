from services.governance.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
