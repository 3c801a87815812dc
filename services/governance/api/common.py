"""What the governance routes share: role groups."""

from shared.auth import Role

EVERYONE = tuple(Role)
STAFF = tuple(r for r in Role if r is not Role.SERVICE)
READERS_OF_EVERYTHING = (Role.IPCB_MEMBER, Role.AUDITOR)
