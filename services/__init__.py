"""The platform's services; each is registered once, in services/registry.py."""
