"""Onboarding at go-live (`llr import`): people, support plans, live delegations and joint
packages from documented CSV files (docs/onboarding.md), through the handlers the API calls."""
