"""Events the training service publishes."""

from collections.abc import Sequence

from shared.events import Event

PUBLISHED: Sequence[type[Event]] = ()
