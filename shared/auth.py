"""Bearer JWT verification, the current user, and which roles an endpoint admits."""

from __future__ import annotations

import argparse
import asyncio
import functools
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import Forbidden, Unauthenticated, Unavailable
from shared.settings import Environment, ServiceSettings

log = structlog.get_logger()


class Role(StrEnum):
    REGISTERED_PRACTITIONER = "registered_practitioner"
    MDT_MEMBER = "mdt_member"
    PROVIDER_MANAGER = "provider_manager"
    CARE_WORKER = "care_worker"
    COMMISSIONER = "commissioner"
    FINANCE_OFFICER = "finance_officer"
    CSU_OFFICER = "csu_officer"
    IPCB_MEMBER = "ipcb_member"
    AUDITOR = "auditor"
    SERVICE = "service"


@dataclass(frozen=True)
class CurrentUser:
    user_id: str
    organisation: str
    role: Role


SYSTEM = CurrentUser(user_id="system", organisation="platform", role=Role.SERVICE)
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud"]


def claim_values(claims: dict[str, Any], path: str) -> list[str]:
    """The strings a claim holds: `path` is a name or a dotted path through objects and arrays
    (`nhsid_nrbac_roles.role_code` collects `role_code` from each object of the array). Anything
    else where a string belongs (a number, an object, an empty string) makes the token refused."""
    found: list[Any] = [claims]
    for part in path.split("."):
        step: list[Any] = []
        for value in found:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and part in item:
                    step.append(item[part])
        found = step
    flat = [item for value in found for item in (value if isinstance(value, list) else [value])]
    odd = sorted({_kind(item) for item in flat if not (isinstance(item, str) and item.strip())})
    if odd:
        raise ValueError(f"claim '{path}' must hold non-empty strings; it holds {', '.join(odd)}")
    return flat


def _kind(value: Any) -> str:
    return "an empty string" if isinstance(value, str) else f"a {type(value).__name__}"


def _only_selected(value: Any, key: str, chosen: str) -> Any:
    """`value` without the objects in arrays whose `key` is not `chosen`."""
    if isinstance(value, list):
        return [
            _only_selected(item, key, chosen)
            for item in value
            if not (isinstance(item, dict) and key in item and str(item[key]) != chosen)
        ]
    if isinstance(value, dict):
        return {name: _only_selected(item, key, chosen) for name, item in value.items()}
    return value


class ClaimsMapping:
    """Reads the caller from a token's claims, as the settings name and shape them."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.subject = settings.jwt_subject_claim
        self.role = settings.jwt_role_claim
        self.organisation = settings.jwt_organisation_claim
        self.roles = {name: Role(ours) for name, ours in settings.jwt_role_map.items()}
        key, _, claim = settings.jwt_selected_role.partition("=")
        if settings.jwt_selected_role and not (key and claim):
            raise ValueError("jwt_selected_role is '<key in each role object>=<claim>'")
        self.selector = (key, claim) if settings.jwt_selected_role else None

    def _selected(self, claims: dict[str, Any]) -> dict[str, Any]:
        """Only the role the user chose at sign-in, when the provider says which (CIS2's
        `selected_roleid`): the other role objects, and their organisations, do not count."""
        if self.selector is None or claims.get(self.selector[1]) is None:
            return claims
        key, claim = self.selector
        selected: dict[str, Any] = _only_selected(claims, key, str(claims[claim]))
        return selected

    def _one(self, claims: dict[str, Any], path: str, what: str) -> str:
        values = sorted(set(claim_values(claims, path)))
        if len(values) != 1:
            found = f"{len(values)}: {', '.join(values)}" if values else "none"
            raise ValueError(f"claim '{path}' must hold exactly one {what}; it holds {found}")
        return values[0]

    def _role(self, claims: dict[str, Any]) -> Role:
        names = claim_values(claims, self.role)
        if self.roles:
            ours = {self.roles[name] for name in names if name in self.roles}
        else:
            ours = {Role(name) for name in names if name in Role.__members__.values()}
        if len(ours) != 1:
            found = ", ".join(sorted(ours)) or f"none of {sorted(set(names))}"
            raise ValueError(f"claim '{self.role}' must map to exactly one platform role: {found}")
        return ours.pop()

    def user(self, claims: dict[str, Any]) -> CurrentUser:
        claims = self._selected(claims)
        return CurrentUser(
            self._one(claims, self.subject, "subject"),
            self._one(claims, self.organisation, "organisation"),
            self._role(claims),
        )


def token_contract(settings: ServiceSettings) -> str:
    """The bearer token every route but the operational ones takes, as OpenAPI describes it."""
    mapped = (
        "mapped from the identity provider's names: "
        + ", ".join(f"{k} -> {v}" for k, v in sorted(settings.jwt_role_map.items()))
        if settings.jwt_role_map
        else "the platform's own names"
    )
    key, _, claim = settings.jwt_selected_role.partition("=")
    selected = (
        f"Of the role objects only the one whose `{key}` is the token's `{claim}` counts. "
        if settings.jwt_selected_role
        else ""
    )
    return (
        f"A JWT signed with {', '.join(settings.jwt_algorithms)} by the identity provider "
        "(keys from its JWKS). Claims: "
        f"`iss` = `{settings.jwt_issuer}`, `aud` = `{settings.jwt_audience}`, `exp` and `iat` "
        f"(required; 30 s leeway; at most {settings.jwt_max_lifetime_seconds} s apart); "
        "and, as non-empty strings (never numbers or objects): "
        f"`{settings.jwt_subject_claim}`: who calls; "
        f"`{settings.jwt_organisation_claim}`: their organisation's ODS code, a partner's; "
        f"`{settings.jwt_role_claim}`: one string or an array holding exactly one platform role "
        f"({mapped}): {', '.join(r.value for r in Role)}. {selected}"
        "Each operation's `x-roles` lists the roles it admits. A missing or invalid token is "
        "answered 401, a role or organisation that may not act 403."
    )


def generate_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def dev_private_key(path: Path) -> bytes:
    """The development signing key, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate_private_key_pem())
        path.chmod(0o600)
    return path.read_bytes()


def public_key_pem(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# An unknown `kid` fetches the provider's keys again at most this often: tokens naming made-up
# key ids cost the identity provider one request per interval, whatever their number.
JWKS_REFRESH_SECONDS = 30.0
# Keys older than this are fetched again at the next token, so a key the provider withdrew stops
# counting within five minutes.
JWKS_LIFESPAN_SECONDS = 300.0


class Jwks:
    """The identity provider's signing keys by key id, fetched off the event loop (the fetch is
    blocking HTTP): again on an unknown key id, rate-limited, and when they are old."""

    def __init__(self, url: str, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._client = jwt.PyJWKClient(url, cache_jwk_set=False, timeout=10)
        self._monotonic = monotonic
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Any:
        if self._due(kid):
            async with self._lock:
                if self._due(kid):  # the request that held the lock may have fetched them
                    await self._fetch()
        if kid not in self._keys:
            raise Unauthenticated(f"no key '{kid}' in the identity provider's JWKS")
        return self._keys[kid]

    def _due(self, kid: str) -> bool:
        if self._fetched_at is None:
            return True
        age = self._monotonic() - self._fetched_at
        return age >= JWKS_LIFESPAN_SECONDS or (
            kid not in self._keys and age >= JWKS_REFRESH_SECONDS
        )

    async def _fetch(self) -> None:
        self._fetched_at = self._monotonic()  # a failed fetch waits its turn too
        try:
            published = (await asyncio.to_thread(self._client.fetch_data))["keys"]
            if not isinstance(published, list):
                raise ValueError("`keys` is not an array")
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            log.warning("JWKS fetch failed", error=str(exc))
            if not self._keys:
                raise Unavailable("the identity provider's keys cannot be fetched") from exc
            return  # the keys fetched before still count
        self._keys = dict(filter(None, map(_signing_key, published)))


def _signing_key(published: Any) -> tuple[str, Any] | None:
    """A key the provider signs with, by its id; None for one of another use or unreadable."""
    try:
        key = jwt.PyJWK(published)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    return (key.key_id, key.key) if key.key_id and key.public_key_use in ("sig", None) else None


class TokenVerifier:
    """Pins issuer, audience, algorithms and a maximum lifetime; keys come from a JWKS URL or the
    development key."""

    def __init__(
        self,
        settings: ServiceSettings,
        public_pem: bytes | None = None,
        *,
        jwks: Jwks | None = None,
    ) -> None:
        self.settings = settings
        self._public_pem = public_pem
        self.claims = ClaimsMapping(settings)  # a role map naming no platform role fails here
        self.jwks = jwks or (Jwks(settings.jwks_url) if settings.jwks_url else None)

    async def _key(self, token: str) -> Any:
        if self.jwks is not None:
            kid = jwt.get_unverified_header(token).get("kid")
            if not isinstance(kid, str) or not kid:
                raise ValueError("the token's header names no key id (kid)")
            return await self.jwks.key(kid)
        if self._public_pem is None:
            if self.settings.environment is Environment.PRODUCTION:
                raise Unauthenticated("no signing keys are configured")
            self._public_pem = public_key_pem(dev_private_key(self.settings.dev_signing_key_file))
        return self._public_pem

    async def verify(self, token: str) -> CurrentUser:
        try:
            claims = jwt.decode(
                token,
                key=await self._key(token),
                algorithms=self.settings.jwt_algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": REQUIRED_CLAIMS},
                leeway=30,
            )
            self._refuse_long_lived(claims)
            return self.claims.user(claims)
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise Unauthenticated(f"invalid bearer token: {exc}") from exc

    def _refuse_long_lived(self, claims: dict[str, Any]) -> None:
        lifetime = claims["exp"] - claims["iat"]
        most = self.settings.jwt_max_lifetime_seconds
        if lifetime > most:
            raise ValueError(f"the token lives {lifetime} s from iat to exp; at most {most} s")


def mint_token(
    private_pem: bytes,
    settings: ServiceSettings,
    *,
    role: Role,
    organisation: str,
    user_id: str | None = None,
    lifetime_seconds: int = 3600,
) -> str:
    now = int(time.time())
    claims = {
        "sub": user_id or f"{role.value}-{uuid.uuid4().hex[:8]}",
        "org": organisation,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + lifetime_seconds,
    }
    key = _private_key(private_pem) if isinstance(private_pem, bytes) else private_pem
    return jwt.encode(claims, key, algorithm="RS256")


@functools.lru_cache(maxsize=8)
def _private_key(private_pem: bytes) -> Any:
    """The key parsed once per PEM: parsing an RSA key costs more than signing with it."""
    return serialization.load_pem_private_key(private_pem, password=None)


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerJWT",
    bearerFormat="JWT",
    description="A JWT from the identity provider (claims: see the README's Auth section)",
)


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    if credentials is None:
        raise Unauthenticated("a bearer token is required")
    user = await _verifier(request).verify(credentials.credentials)
    await request.app.state.runtime.register.require(user.organisation)  # R2: a partner only
    return user


@dataclass(frozen=True)
class Admits:
    """The roles an endpoint admits, carried as data by its dependency (read by `roles_of`)."""

    roles: tuple[Role, ...]

    async def __call__(self, user: Annotated[CurrentUser, Depends(authenticated)]) -> CurrentUser:
        if user.role not in self.roles:
            admitted = [role.value for role in self.roles]
            raise Forbidden(f"role '{user.role}' may not do this; admitted: {admitted}")
        return user


def admits(*roles: Role) -> Any:
    """Declare which roles may call an endpoint: `user: CurrentUser = admits(Role.X)`."""
    return Depends(Admits(tuple(sorted(set(roles)))))


def roles_of(dependencies: Iterable[Any]) -> list[str] | None:
    """The roles an endpoint declared with `admits`, from its own dependencies (not a walk)."""
    for dependency in dependencies:
        if isinstance(dependency.call, Admits):
            return [role.value for role in dependency.call.roles]
    return None


def main(argv: list[str] | None = None) -> None:
    """Mint development tokens: `python -m shared.auth --role mdt_member --org ICB`."""
    parser = argparse.ArgumentParser(description="Mint a development bearer token")
    parser.add_argument("--role", choices=[r.value for r in Role], action="append")
    parser.add_argument("--org", default="LLR-ICB")
    parser.add_argument("--user")
    parser.add_argument("--key", type=Path, default=ServiceSettings().dev_signing_key_file)
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    for role in args.role or [r.value for r in Role]:
        token = mint_token(
            dev_private_key(args.key),
            settings,
            role=Role(role),
            organisation=args.org,
            user_id=args.user,
        )
        print(f"{role}\t{token}")


if __name__ == "__main__":
    main()
