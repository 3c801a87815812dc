"""How the assessment worker starts: outbox relay, consumer and scheduler."""

from services.assessment.main import SPEC
from services.assessment.settings import Settings
from shared import worker
from shared.service import Runtime


def main() -> None:
    settings = Settings()
    worker.main(Runtime(SPEC, settings), port=settings.worker_port)


if __name__ == "__main__":
    main()
