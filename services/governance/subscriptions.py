"""The events the governance service reacts to, and its handler for each."""

from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {}
