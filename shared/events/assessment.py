"""Events the assessment service publishes."""

from collections.abc import Sequence

from shared.events import Event

PUBLISHED: Sequence[type[Event]] = ()
