"""How the delegation worker starts: outbox relay, consumer and scheduler."""

from services.delegation.main import SPEC
from services.delegation.settings import Settings
from shared import worker
from shared.service import Runtime


def main() -> None:
    settings = Settings()
    worker.main(Runtime(SPEC, settings), port=settings.worker_port)


if __name__ == "__main__":
    main()
