"""A service is registered in one place, services/registry.py: every consumer derives from it, and
the files that cannot import Python are rendered from it or checked against it."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest
import yaml
from fastapi import APIRouter
from pydantic_settings import SettingsConfigDict

from services import cli, demo, registry, standalone
from shared.db import new_metadata
from shared.events import Event, contracts
from shared.service import ServiceSpec
from shared.settings import ServiceSettings

ROOT = Path(__file__).parent.parent
INFRASTRUCTURE = {"postgres", "kafka", "topics", "migrate"}


def load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"render_{path.parent.name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compose_render = load(ROOT / "deploy" / "compose" / "render.py")
k8s_render = load(ROOT / "deploy" / "k8s" / "render.py")


class SixthThingHappened(Event):
    """A sixth service's event, for registering a sixth service in a test."""

    topic: ClassVar[str] = "sixth.thing"
    key: ClassVar[str] = "thing_id"

    thing_id: str


class SixthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIXTH_", extra="ignore")

    api_port: int = 8006
    worker_port: int = 8106


def given_a_sixth_service() -> registry.Registered:
    main, settings = ModuleType("sixth.main"), ModuleType("sixth.settings")
    main.SPEC = ServiceSpec(  # type: ignore[attr-defined]
        name="sixth",
        title="Sixth service",
        description="",
        router=APIRouter(),
        metadata=new_metadata(),
        subscriptions={},
        migrations_dir=Path("unused"),
        settings_type=SixthSettings,
        publishes=(SixthThingHappened,),
    )
    settings.Settings = SixthSettings  # type: ignore[attr-defined]
    return registry.Registered(main, settings)


@pytest.fixture
def six(monkeypatch: pytest.MonkeyPatch) -> tuple[registry.Registered, ...]:
    """The registry with a sixth service registered: the one line a new service adds."""
    services = (*registry.SERVICES, given_a_sixth_service())
    monkeypatch.setattr(registry, "SERVICES", services)
    return services


async def test_standalone_runs_each_registered_service_a_sixth_included(
    six: tuple[registry.Registered, ...], tmp_path: Path
) -> None:
    runtimes = standalone.runtimes(tmp_path)
    try:
        assert [rt.spec.name for rt in runtimes] == [s.name for s in six]
        sixth = runtimes[-1]
        assert isinstance(sixth.settings, SixthSettings)
        assert sixth.settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'sixth.db'}"
    finally:
        for runtime in runtimes:
            await runtime.close()


def test_compose_database_init_and_topics_script_render_a_sixth_registered_service(
    six: tuple[registry.Registered, ...],
) -> None:
    rendered = {path.name: text for path, text in compose_render.render(six).items()}

    assert "CREATE DATABASE sixth;" in rendered["postgres-init.sql"]
    assert " sixth.thing" in rendered["topics.sh"]
    compose = yaml.safe_load(rendered["docker-compose.yml"])
    expected = {f"{s.name}-{role}" for s in six for role in ("api", "worker")}
    assert set(compose["services"]) == INFRASTRUCTURE | expected
    assert compose["services"]["sixth-api"]["ports"] == ["8006:8006"]
    assert compose["services"]["sixth-worker"]["environment"]["SIXTH_WORKER_PORT"] == 8106
    assert "SIXTH_DATABASE_URL" in compose["services"]["migrate"]["environment"]


def test_the_committed_compose_files_are_what_the_registry_renders() -> None:
    stale = [p.name for p, text in compose_render.render().items() if p.read_text() != text]
    assert stale == [], "run python deploy/compose/render.py"


def test_compose_databases_and_topics_are_the_registered_ones() -> None:
    sql = (ROOT / "deploy" / "compose" / "postgres-init.sql").read_text()
    databases = [line.split()[-1].rstrip(";") for line in sql.splitlines() if "DATABASE" in line]
    assert databases == registry.names()
    script = (ROOT / "deploy" / "compose" / "topics.sh").read_text()
    for topic in [*registry.topics(), *registry.platform_topics()]:
        assert f" {topic}" in script


def test_the_cli_the_demo_and_the_benchmarks_read_the_registry() -> None:
    from bench import http_figures, start_figures  # here: bench's own imports fail only this test

    assert list(cli.SERVICES.values()) == list(registry.SERVICES)
    assert start_figures.SERVICES == http_figures.SERVICES == registry.by_name()
    assert registry.names() == demo.SERVICES


def test_the_kubernetes_manifests_list_the_registered_services_and_their_topics() -> None:
    assert registry.api_ports() == k8s_render.SERVICES
    assert registry.topics() == k8s_render.TOPICS
    assert set(k8s_render.render()) == {"platform.yaml", *(f"{n}.yaml" for n in registry.names())}


def test_import_linter_contracts_name_exactly_the_registered_services() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    listed = [
        contract.get("modules") or contract.get("containers")
        for contract in config["contracts"]
        if contract["type"] in {"independence", "layers"}
    ]
    assert listed, "the independence and layers contracts are gone"
    for modules in listed:
        assert modules == [f"services.{name}" for name in registry.names()]


def test_the_event_contracts_are_those_the_registered_services_publish() -> None:
    assert set(contracts.all_events().values()) == set(registry.published_events())


def test_every_consumed_topic_is_published_by_a_registered_service() -> None:
    published = set(registry.topics()) | set(registry.platform_topics())
    for service in registry.SERVICES:
        assert set(service.spec.consumed_topics) <= published, service.name


def test_registered_services_have_distinct_names_and_ports() -> None:
    ports = [p for s in registry.SERVICES for p in (s.api_port, s.worker_port)]
    assert len(set(ports)) == len(ports)
    assert len(set(registry.names())) == len(registry.SERVICES)
