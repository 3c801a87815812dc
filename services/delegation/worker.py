"""How the delegation worker starts: outbox relay, consumer and scheduler."""

from services.delegation.main import SPEC
from shared import worker

if __name__ == "__main__":
    worker.main(SPEC)
