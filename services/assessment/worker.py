"""How the assessment worker starts: outbox relay, consumer and scheduler."""

from services.assessment.main import SPEC
from shared import worker

if __name__ == "__main__":
    worker.main(SPEC)
