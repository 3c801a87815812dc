"""The kinds of file `llr import` takes, in the order a go-live imports them."""

from __future__ import annotations

from services.onboarding import delegations, packages, people, plans
from services.onboarding.delegations import bulk
from services.onboarding.runner import Kind

DELEGATIONS = Kind(
    name="delegations",
    service="delegation",
    columns=delegations.COLUMNS,
    parse=delegations.parse,
    existing=delegations.existing,
    apply=delegations.apply,
    explain=delegations.explain,
    apply_batch=bulk.apply_batch,
    describe=delegations.describe,
)
KINDS: dict[str, Kind] = {k.name: k for k in (people.KIND, plans.KIND, DELEGATIONS, packages.KIND)}
