"""The events the delegation service reacts to, and its handler for each."""

from services.delegation import handlers
from shared.events.governance import FrameworkVersionPublished
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    FrameworkVersionPublished: handlers.on_framework_version_published,
}
