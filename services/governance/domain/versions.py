"""R29: the Framework's versions follow one another; one is in force on any date."""

from collections.abc import Sequence
from datetime import date

from shared.errors import Conflict, RuleViolation
from shared.events.governance import FrameworkVersionPublished


def publish_framework_version(
    published: Sequence[tuple[int, date]], version: int, effective_from: date, summary: str
) -> FrameworkVersionPublished:
    """R29: versions follow one another, each taking effect after the one it supersedes."""
    latest_version, latest_date = max(published, default=(0, date.min))
    if version <= latest_version:  # another publication of this number got there first
        raise Conflict(f"version {version} is already published", rule="R29")
    if version != latest_version + 1:
        raise RuleViolation(
            "R29",
            f"the next Framework version is {latest_version + 1}",
            errors=[{"field": "version", "reason": "must follow the latest"}],
        )
    if effective_from <= latest_date:
        raise RuleViolation(
            "R29",
            f"version {version} must take effect after {latest_date}",
            errors=[{"field": "effective_from", "reason": "not after the latest"}],
        )
    return FrameworkVersionPublished(
        subject_id=f"framework-version-{version}",
        version=version,
        effective_from=effective_from,
        summary=summary,
    )


def version_in_force(published: Sequence[tuple[int, date]], on: date) -> int | None:
    """R29: the version whose effective date is the latest on or before `on`."""
    in_force = [(since, version) for version, since in published if since <= on]
    return max(in_force)[1] if in_force else None
