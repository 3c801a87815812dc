"""How the governance worker starts: outbox relay, consumer and scheduler."""

from services.governance.main import SPEC
from shared import worker

if __name__ == "__main__":
    worker.main(SPEC)
