"""The one place a service is registered.

Standalone mode, the `llr` commands (migrations, topics, OpenAPI documents), the Kubernetes
manifests, the compose files (`deploy/compose/render.py`: service blocks, database init script,
topics script), the demo and the benchmarks all read `SERVICES`. A sixth service is one line here;
then `python deploy/compose/render.py` and `python deploy/k8s/render.py` rewrite the static files,
and tests/test_registry.py fails until they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import NamedTuple

from services.assessment import main as assessment
from services.assessment import settings as assessment_settings
from services.delegation import main as delegation
from services.delegation import settings as delegation_settings
from services.funding import main as funding
from services.funding import settings as funding_settings
from services.governance import main as governance
from services.governance import settings as governance_settings
from services.training import main as training
from services.training import settings as training_settings
from shared.events import Event
from shared.events.operations import PUBLISHED as PLATFORM_EVENTS
from shared.service import ServiceSpec


class Registered(NamedTuple):
    """A service: how its API starts (`main.SPEC`, `main.create_app`) and its settings module."""

    main: ModuleType
    settings: ModuleType

    @property
    def spec(self) -> ServiceSpec:
        spec: ServiceSpec = self.main.SPEC
        return spec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def api_port(self) -> int:
        return int(self.spec.settings_type.model_fields["api_port"].default)

    @property
    def worker_port(self) -> int:
        return int(self.spec.settings_type.model_fields["worker_port"].default)


SERVICES: tuple[Registered, ...] = (
    Registered(assessment, assessment_settings),
    Registered(delegation, delegation_settings),
    Registered(training, training_settings),
    Registered(funding, funding_settings),
    Registered(governance, governance_settings),
)


def names() -> list[str]:
    return [service.name for service in SERVICES]


def by_name() -> dict[str, Registered]:
    return {service.name: service for service in SERVICES}


def api_ports() -> dict[str, int]:
    return {service.name: service.api_port for service in SERVICES}


def topics(services: Sequence[Registered] = SERVICES) -> list[str]:
    """The topics the services publish, in registration order (consumers read these too)."""
    published = [topic for service in services for topic in service.spec.published_topics]
    return list(dict.fromkeys(published))


def platform_topics() -> list[str]:
    """The platform's own topics: parked messages for operations teams."""
    return sorted({event.topic for event in PLATFORM_EVENTS})


def published_events() -> list[type[Event]]:
    """The contracts `llr contracts export/check` must cover: every service's and the platform's."""
    events = [event for service in SERVICES for event in service.spec.publishes]
    return list(dict.fromkeys([*events, *PLATFORM_EVENTS]))
