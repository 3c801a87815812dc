"""`llr` is a command people can use: every command and option says what it does, errors are
one line with what to do (never a traceback), an empty listing says so, and a token is never
signed with a key made by accident."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
from sqlalchemy import insert

from services.assessment.main import SPEC as ASSESSMENT
from services.cli import main, parser
from services.delegation.main import SPEC as DELEGATION
from shared.auth import dev_private_key, public_key_pem
from shared.events.assessment import RelationshipChanged
from shared.relationships import relationships
from shared.testing.events import published
from shared.testing.plugin import repo_root
from tests.conftest import ServiceClient


def llr(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        capture_output=True,
        text=True,
        cwd=repo_root(),
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_every_option_has_help() -> None:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    described = {choice.dest: choice.help for choice in action._choices_actions}

    assert set(described) == set(subcommands())
    assert all(described.values()), described
    for name, command in subcommands().items():
        for option in command._actions:
            assert option.help, f"llr {name}: {option.dest} has no help"


def test_llr_token_help_is_the_token_commands_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["token", "--help"])

    shown = capsys.readouterr().out
    assert shown.startswith("usage: llr token")
    assert "--create-key" in shown


def test_a_missing_key_file_is_refused_unless_told_to_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "signing.pem"

    refused = main(["token", "--key", str(key), "--role", "mdt_member"])
    said = capsys.readouterr()
    created = main(["token", "--key", str(key), "--role", "mdt_member", "--create-key"])
    minted = capsys.readouterr().out.split("\t")[1].strip()

    assert refused == 1
    assert "--create-key" in said.err
    assert said.out == ""
    assert created == 0
    claims = jwt.decode(
        minted, public_key_pem(dev_private_key(key)), algorithms=["RS256"], audience="llr-platform"
    )
    assert claims["role"] == "mdt_member"


def test_dead_letters_without_a_database_is_one_line_saying_what_to_set() -> None:
    done = llr(
        "dead-letters",
        "delegation",
        DELEGATION_DATABASE_URL="postgresql+asyncpg://llr:hush@127.0.0.1:1/delegation",
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "DELEGATION_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert "hush" not in done.stderr


async def test_dead_letters_with_none_parked_says_so(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (_, runtime):
        url = runtime.settings.database_url

    done = llr("dead-letters", "delegation", DELEGATION_DATABASE_URL=url)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "delegation: no parked messages"


def test_make_setup_says_what_it_is_doing() -> None:
    done = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "setup"],
        capture_output=True,
        text=True,
        cwd=repo_root(),
        check=True,
    )

    steps = [line for line in done.stdout.splitlines() if line.startswith("echo")]
    assert len(steps) >= 4, done.stdout
    assert "--quiet -c constraints.txt" not in done.stdout


async def test_relationships_republish_publishes_what_migration_0005_filled(
    service_client: ServiceClient,
) -> None:
    """Issue 14: assessment's migration 0005 filled relationships from the record, which a
    migration cannot publish; `llr relationships republish` publishes each row as it stands."""
    person_id, since = uuid.uuid4(), datetime(2025, 6, 1, tzinfo=UTC)
    filled = [("LPT", "registered", None), ("CAREWELL-HOMECARE", "provider", since)]
    async with service_client(ASSESSMENT) as (_, runtime):
        async with runtime.sessions.begin() as session:
            for organisation, basis, until in filled:
                await session.execute(
                    insert(relationships).values(
                        person_id=person_id,
                        organisation=organisation,
                        basis=basis,
                        source_id=str(person_id),
                        since=since,
                        until=until,
                    )
                )
        url = runtime.settings.database_url
        done = llr("relationships", "republish", ASSESSMENT_DATABASE_URL=url)
        again = llr("relationships", "republish", ASSESSMENT_DATABASE_URL=url)
        sent = await published(runtime, RelationshipChanged)

    assert done.returncode == again.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("assessment: 2 relationships published again")
    assert sorted(
        (e.organisation, e.basis.value, e.until) for e in sent if isinstance(e, RelationshipChanged)
    ) == sorted([*filled, *filled])
