"""The things service's worker as its own process, so that a fault test can kill it outright."""

from __future__ import annotations

import asyncio
import sys

from shared import worker
from shared.clock import SystemClock
from shared.service import Runtime
from shared.settings import Environment, ServiceSettings
from tests.kernel import things


def main(database_url: str, bootstrap: str, namespace: str) -> None:
    settings = ServiceSettings(
        environment=Environment.TEST,
        database_url=database_url,
        kafka_bootstrap=bootstrap,
        topic_namespace=namespace,
        consumer_group=f"things-{namespace}",
        publish_timeout_seconds=3,
        consumer_backoff_seconds=0.05,
    )
    # The real worker: relay (record batches, woken by NOTIFY), consumer and inbox, as deployed.
    asyncio.run(worker.run_worker(Runtime(things.SPEC, settings, SystemClock()), asyncio.Event()))


if __name__ == "__main__":
    main(*sys.argv[1:4])
