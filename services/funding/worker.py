"""How the funding worker starts: outbox relay, consumer and scheduler."""

from services.funding.main import SPEC
from shared import worker

if __name__ == "__main__":
    worker.main(SPEC)
