"""Operations commands (`llr --help`): migrations, dead letters, topics, documents, tokens."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from services import registry, standalone
from shared import auth
from shared.events import Event, contracts, operations
from shared.service import Runtime
from shared.transport import ensure_topics

SERVICES = registry.by_name()


def runtime_of(name: str) -> Runtime:
    main, settings = SERVICES[name]
    return Runtime(main.SPEC, settings.Settings())


async def migrate(names: list[str]) -> None:
    for name in names:
        runtime = runtime_of(name)
        await runtime.migrate()
        await runtime.close()
        print(f"{name}: migrated to head")


async def dead_letters(name: str) -> None:
    runtime = runtime_of(name)
    for row in await runtime.inbox.parked():
        print(json.dumps({k: str(v) for k, v in row.items()}))
    await runtime.close()


async def replay(name: str, ids: list[int]) -> int:
    runtime = runtime_of(name)
    failed = 0
    for dead_letter_id in ids:
        ok = await runtime.inbox.replay(dead_letter_id)
        failed += not ok
        print(f"{dead_letter_id}: {'applied' if ok else 'still failing or not parked'}")
    await runtime.close()
    return failed


async def create_topics() -> None:
    runtimes = [runtime_of(name) for name in SERVICES]
    bootstrap = runtimes[0].settings.kafka_bootstrap
    topics = {
        rt.settings.topic_namespace + t
        for rt in runtimes
        for t in [*rt.spec.published_topics, *rt.spec.consumed_topics]
    }
    await ensure_topics(bootstrap, sorted(topics))
    print("\n".join(sorted(topics)))


def published_events() -> list[type[Event]]:
    """What the services say they publish, and the platform's own operations events."""
    return [
        *(event for main, _ in SERVICES.values() for event in main.SPEC.publishes),
        *operations.PUBLISHED,
    ]


def openapi_documents() -> dict[str, dict[str, object]]:
    """Each service's OpenAPI document, as its API serves it."""
    documents = {}
    for name, (main, settings) in SERVICES.items():
        documents[name] = main.create_app(settings.Settings()).openapi()
    return documents


def write_documents(directory: Path) -> None:
    """`llr openapi`: each service's document as `<service>.json`; a document no service serves
    any more (a service renamed or removed) is deleted, so `make lint` never checks a stale one."""
    directory.mkdir(parents=True, exist_ok=True)
    documents = openapi_documents()
    for stale in sorted(
        set(directory.glob("*.json")) - {directory / f"{n}.json" for n in documents}
    ):
        stale.unlink()
        print(f"{stale} (removed)")
    for name, document in documents.items():
        (directory / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n")
        print(directory / f"{name}.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="llr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate").add_argument("services", nargs="*", default=list(SERVICES))
    commands.add_parser("dead-letters").add_argument("service", choices=list(SERVICES))
    replaying = commands.add_parser("replay")
    replaying.add_argument("service", choices=list(SERVICES))
    replaying.add_argument("ids", nargs="+", type=int)
    commands.add_parser("topics")
    contract = commands.add_parser("contracts")
    contract.add_argument("action", choices=["export", "check"])
    commands.add_parser("asyncapi").add_argument("--out", type=Path)
    commands.add_parser("openapi").add_argument("--out", type=Path, default=Path("docs/openapi"))
    commands.add_parser("token", add_help=False)
    commands.add_parser("run", add_help=False)
    args, rest = parser.parse_known_args(argv)

    match args.command:
        case "migrate":
            asyncio.run(migrate(args.services))
        case "dead-letters":
            asyncio.run(dead_letters(args.service))
        case "replay":
            return 1 if asyncio.run(replay(args.service, args.ids)) else 0
        case "topics":
            asyncio.run(create_topics())
        case "contracts" if args.action == "export":
            print("\n".join(str(p) for p in contracts.export(events=published_events())))
        case "contracts":
            problems = contracts.check(events=published_events())
            print("\n".join(problems) or "event contracts: additive only, all committed")
            return 1 if problems else 0
        case "asyncapi":
            document = json.dumps(contracts.asyncapi(published_events()), indent=2)
            if args.out:
                args.out.write_text(document + "\n")
            else:
                print(document)
        case "openapi":
            write_documents(args.out)
        case "token":
            auth.main(rest)
        case "run":
            standalone.main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
