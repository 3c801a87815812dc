"""Operations commands (`llr --help`): migrations, dead letters, webhooks, topics, documents,
tokens."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from services import registry, standalone
from services.assessment.handlers import relationships
from services.governance.handlers import webhooks
from services.governance.queries import webhooks as webhook_queries
from services.onboarding import command as onboarding
from services.onboarding.runner import FileRefused, Part
from shared import auth
from shared.events import Event, contracts, operations
from shared.service import Runtime
from shared.settings import ServiceSettings
from shared.transport import KafkaSecurity, ensure_topics

SERVICES = registry.by_name()


def runtime_of(name: str) -> Runtime:
    main, settings = SERVICES[name]
    return Runtime(main.SPEC, settings.Settings())


async def migrate(names: list[str]) -> None:
    for name in names:
        runtime = runtime_of(name)
        try:
            await runtime.migrate()
        finally:
            await runtime.close()
        print(f"{name}: migrated to head")


async def dead_letters(name: str) -> None:
    runtime = runtime_of(name)
    try:
        parked = await runtime.inbox.parked()
    finally:
        await runtime.close()
    for row in parked:
        print(json.dumps({k: str(v) for k, v in row.items()}))
    if not parked:
        print(f"{name}: no parked messages")


async def replay(name: str, ids: list[int]) -> int:
    runtime = runtime_of(name)
    failed = 0
    try:
        for dead_letter_id in ids:
            ok = await runtime.inbox.replay(dead_letter_id)
            failed += not ok
            print(f"{dead_letter_id}: {'applied' if ok else 'still failing or not parked'}")
    finally:
        await runtime.close()
    return failed


async def republish_relationships() -> int:
    """Assessment publishes every relationship it holds again, in one transaction."""
    runtime = runtime_of("assessment")
    try:
        async with runtime.sessions.begin() as session:
            count = await relationships.republish(session)
    finally:
        await runtime.close()
    print(f"assessment: {count} relationships published again (the relay sends them)")
    return count


async def parked_webhooks(endpoint: uuid.UUID | None) -> None:
    """Governance's parked webhook deliveries, one JSON line each (never their bodies)."""
    runtime = runtime_of("governance")
    try:
        async with runtime.sessions() as session:
            parked = await webhook_queries.parked(session, endpoint)
    finally:
        await runtime.close()
    for d in parked:
        fields = ("delivery_id", "endpoint_id", "event_id", "event_type", "subject", "attempts")
        print(json.dumps({name: str(getattr(d, name)) for name in fields}))
    if not parked:
        print("governance: no parked webhook deliveries")


async def replay_webhooks(endpoint: uuid.UUID | None) -> int:
    """Parked deliveries are pending again, due now; the worker's relay job sends them."""
    runtime = runtime_of("governance")
    try:
        async with runtime.sessions.begin() as session:
            count = await webhooks.replay(session, endpoint)
    finally:
        await runtime.close()
    print(f"governance: {count} parked webhook deliveries pending again (the relay sends them)")
    return count


async def create_topics() -> None:
    runtimes = [runtime_of(name) for name in SERVICES]
    bootstrap = runtimes[0].settings.kafka_bootstrap
    topics = {
        rt.settings.topic_namespace + t
        for rt in runtimes
        for t in [*rt.spec.published_topics, *rt.spec.consumed_topics]
    }
    security = KafkaSecurity.of(runtimes[0].settings)
    for runtime in runtimes:
        await runtime.close()
    if not bootstrap:
        raise CommandError("no Kafka to create topics on: set <SERVICE>_KAFKA_BOOTSTRAP")
    await ensure_topics(bootstrap, sorted(topics), security=security)
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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="llr",
        description="Operations commands for the LLR Integrated Personalised Care platform. "
        "Each service's settings come from the environment (DELEGATION_DATABASE_URL, ...).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = list(SERVICES)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text)

    command("migrate", "Bring each service's database to its newest revision").add_argument(
        "services",
        nargs="*",
        default=names,
        choices=names,
        metavar="SERVICE",
        help=f"services to migrate (default: all of {', '.join(names)})",
    )
    command("dead-letters", "List a service's parked messages, one JSON line each").add_argument(
        "service", choices=names, help="the service whose dead_letters table to read"
    )
    replaying = command("replay", "Deliver parked messages again once their cause is mended")
    replaying.add_argument("service", choices=names, help="the service that parked them")
    replaying.add_argument("ids", nargs="+", type=int, metavar="ID", help="dead letter ids")
    hooks = command(
        "webhooks",
        "List governance's parked webhook deliveries, or make them pending again once the "
        "partner's endpoint is mended; run with governance's settings",
    )
    hooks.add_argument("action", choices=["parked", "replay"], help="parked: list; replay: retry")
    hooks.add_argument("--endpoint", type=uuid.UUID, help="one endpoint only (default: all)")
    command("topics", "Create every service's Kafka topics that do not exist yet")
    command(
        "relationships",
        "Publish every legitimate relationship assessment holds again (after its migration 0005, "
        "or to rebuild another service's copy); run with assessment's settings",
    ).add_argument("action", choices=["republish"], help="republish: publish them all again")
    contract = command("contracts", "Export the event JSON Schemas, or check they are additive")
    contract.add_argument(
        "action", choices=["export", "check"], help="export: write the schemas; check: compare"
    )
    command("asyncapi", "Print or write the AsyncAPI 3 document of every event").add_argument(
        "--out", type=Path, help="write it to this file instead of printing it"
    )
    command("openapi", "Write each service's OpenAPI document").add_argument(
        "--out", type=Path, default=Path("docs/openapi"), help="directory (default: docs/openapi)"
    )
    minting = command("token", "Mint development bearer tokens (never accepted in production)")
    minting.add_argument(
        "--role",
        choices=[r.value for r in auth.Role],
        action="append",
        help="a role to mint a token for; repeat for several (default: every role)",
    )
    minting.add_argument("--org", default="LLR-ICB", help="the organisation (default: LLR-ICB)")
    minting.add_argument("--user", help="the user id the token names (default: a new one)")
    minting.add_argument(
        "--key",
        type=Path,
        default=ServiceSettings().dev_signing_key_file,
        help="the development signing key (default: %(default)s)",
    )
    minting.add_argument(
        "--create-key", action="store_true", help="make the key file when it does not exist"
    )
    importing = command("import", "Bring existing records at go-live (docs/onboarding.md)")
    importing.add_argument("kind", choices=list(onboarding.KINDS), help="the file's kind")
    importing.add_argument("file", type=Path, help="the CSV file")
    importing.add_argument("--data", type=Path, help="standalone: the SQLite files' directory")
    importing.add_argument("--operator", help="who imports, for the audit (default: $USER)")
    importing.add_argument("--batch", type=int, default=500, help="rows per transaction")
    importing.add_argument("--from-start", action="store_true", help="ignore the checkpoint")
    importing.add_argument("--out", type=Path, help="errors, ids and checkpoint (default: beside)")
    importing.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL only)")
    importing.add_argument("--part", type=Part.parse, help="K/N: one worker's part (--workers)")
    running = command("run", "Run the whole platform in one process (SQLite files, in-process)")
    running.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    running.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    running.add_argument(
        "--data", type=Path, default=Path("data"), help="directory of the SQLite files and key"
    )
    return root


def mint_tokens(
    roles: list[str] | None, org: str, user: str | None, key: Path, create: bool
) -> None:
    if not key.exists() and not create:
        raise CommandError(
            f"no signing key at {key}: pass --key with the key the services use "
            "(their DEV_SIGNING_KEY_FILE), or --create-key to make a new one there"
        )
    private = auth.dev_private_key(key)
    settings = ServiceSettings()
    for role in roles or [r.value for r in auth.Role]:
        minted = auth.mint_token(
            private, settings, role=auth.Role(role), organisation=org, user_id=user
        )
        print(f"{role}\t{minted}")


class CommandError(Exception):
    """A failure the operator can mend: the message says what went wrong and what to do."""


def explained(exc: Exception, args: argparse.Namespace) -> str:
    service = getattr(args, "service", None) or "the service"
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        return f"the settings are refused: {problems}"
    if isinstance(exc, DBAPIError | OSError):
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        prefix = service.upper() if service in SERVICES else "<SERVICE>"
        return (
            f"cannot use {service}'s database ({reason}): set {prefix}_DATABASE_URL to it "
            f"and run `llr migrate {service if service in SERVICES else ''}`".rstrip()
        )
    return f"{type(exc).__name__}: {exc}"


def import_file(args: argparse.Namespace) -> int:
    """`llr import`: in this process, or in `--workers` processes each importing a part."""
    options = {
        "user_id": args.operator,
        "batch_size": args.batch,
        "from_start": args.from_start,
        "out_dir": args.out,
    }
    if not args.file.is_file():
        raise CommandError(f"no file {args.file}: give the CSV file to import (docs/onboarding.md)")
    if args.workers > 1 and args.data is not None:
        raise CommandError("--workers needs PostgreSQL: standalone imports in one process")
    if args.workers > 1:
        run = onboarding.run_in_parts(args.kind, args.file, args.workers, **options)
    else:
        run = onboarding.run(
            args.kind, args.file, data=args.data, part=args.part or Part(), **options
        )
    try:
        summary = asyncio.run(run)
    except FileRefused as exc:  # the header lacks a column, or a worker's part did not finish
        raise CommandError(str(exc)) from None
    print(summary.line())
    return 1 if summary.refused else 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run_command(args)
    except Exception as exc:  # one line with what to do, never a traceback
        print(f"llr {args.command}: {explained(exc, args)}", file=sys.stderr)
        return 1


def run_command(args: argparse.Namespace) -> int:
    match args.command:
        case "migrate":
            asyncio.run(migrate(args.services))
        case "dead-letters":
            asyncio.run(dead_letters(args.service))
        case "replay":
            return 1 if asyncio.run(replay(args.service, args.ids)) else 0
        case "webhooks" if args.action == "parked":
            asyncio.run(parked_webhooks(args.endpoint))
        case "webhooks":
            asyncio.run(replay_webhooks(args.endpoint))
        case "topics":
            asyncio.run(create_topics())
        case "relationships":
            asyncio.run(republish_relationships())
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
        case "import":
            return import_file(args)
        case "token":
            mint_tokens(args.role, args.org, args.user, args.key, args.create_key)
        case "run":
            standalone.main(
                ["--host", args.host, "--port", str(args.port), "--data", str(args.data)]
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
