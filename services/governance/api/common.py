"""What the governance routes share: role groups and the Idempotency-Key header."""

from fastapi import Response, status

from shared.auth import Role

EVERYONE = tuple(Role)
STAFF = tuple(r for r in Role if r is not Role.SERVICE)
READERS_OF_EVERYTHING = (Role.IPCB_MEMBER, Role.AUDITOR)


def created_or_found(response: Response, created: bool, created_status: int = 201) -> None:
    """A repeated request (same Idempotency-Key) answers 200 with what the first one made."""
    response.status_code = created_status if created else status.HTTP_200_OK
