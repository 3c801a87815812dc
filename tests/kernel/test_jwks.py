"""Production keys come from the identity provider's JWKS URL, looked up by key id: fetched off
the event loop, again for a key id not seen yet, at most once per interval."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import (
    JWKS_LIFESPAN_SECONDS,
    JWKS_REFRESH_SECONDS,
    Jwks,
    Role,
    TokenVerifier,
    generate_private_key_pem,
    mint_token,
    public_key_pem,
)
from shared.errors import Unauthenticated, Unavailable
from shared.settings import Environment, ServiceSettings

PROVIDER_KEY = generate_private_key_pem()
ROTATED_KEY = generate_private_key_pem()
OTHER_KEY = generate_private_key_pem()


def jwk(private_pem: bytes, kid: str) -> dict[str, str]:
    public = serialization.load_pem_public_key(public_key_pem(private_pem))
    assert isinstance(public, rsa.RSAPublicKey)
    return {**json.loads(RSAAlgorithm.to_jwk(public)), "kid": kid, "use": "sig", "alg": "RS256"}


@dataclass
class Provider:
    """The identity provider's JWKS endpoint: what it publishes, how slowly, how often asked."""

    url: str = ""
    keys: list[dict[str, str]] = field(default_factory=list)
    delay: float = 0.0
    fetches: int = 0
    down: bool = False


@pytest.fixture
def provider() -> Iterator[Provider]:
    published = Provider(keys=[jwk(PROVIDER_KEY, "provider-2026")])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            published.fetches += 1
            time.sleep(published.delay)
            if published.down:
                self.send_response(503)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"keys": published.keys}).encode())

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    published.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    yield published
    server.shutdown()
    server.server_close()


class Monotonic:
    """A clock the test moves, for the refresh interval."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def production(url: str) -> ServiceSettings:
    return ServiceSettings(
        environment=Environment.PRODUCTION, jwks_url=url, database_url="postgresql+asyncpg://db/x"
    )


def signed(private_pem: bytes, kid: str, settings: ServiceSettings) -> str:
    token = mint_token(private_pem, settings, role=Role.COMMISSIONER, organisation="LLR-ICB")
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": kid})


async def test_a_token_signed_by_the_providers_published_key_is_accepted(
    provider: Provider,
) -> None:
    settings = production(provider.url)
    user = await TokenVerifier(settings).verify(signed(PROVIDER_KEY, "provider-2026", settings))
    assert user.role is Role.COMMISSIONER


@pytest.mark.parametrize("kid", ["provider-2026", "unknown-key"])
async def test_a_token_signed_by_any_other_key_is_refused(provider: Provider, kid: str) -> None:
    settings = production(provider.url)
    with pytest.raises(Unauthenticated):
        await TokenVerifier(settings).verify(signed(OTHER_KEY, kid, settings))


async def test_the_keys_are_fetched_off_the_event_loop(provider: Provider) -> None:
    provider.delay = 0.5
    settings = production(provider.url)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(tick())
    try:
        await TokenVerifier(settings).verify(signed(PROVIDER_KEY, "provider-2026", settings))
    finally:
        ticking.cancel()
    assert ticks >= 10  # the loop went on serving while the provider was slow


async def test_a_key_rotated_in_after_the_first_fetch_is_fetched_for_its_unknown_kid(
    provider: Provider,
) -> None:
    clock = Monotonic()
    settings = production(provider.url)
    verifier = TokenVerifier(settings, jwks=Jwks(provider.url, monotonic=clock))
    await verifier.verify(signed(PROVIDER_KEY, "provider-2026", settings))
    provider.keys = [*provider.keys, jwk(ROTATED_KEY, "provider-2027")]
    clock.now += JWKS_REFRESH_SECONDS

    user = await verifier.verify(signed(ROTATED_KEY, "provider-2027", settings))

    assert user.role is Role.COMMISSIONER
    assert provider.fetches == 2


async def test_unknown_kids_fetch_the_keys_at_most_once_per_interval(provider: Provider) -> None:
    clock = Monotonic()
    settings = production(provider.url)
    verifier = TokenVerifier(settings, jwks=Jwks(provider.url, monotonic=clock))
    made_up = [signed(OTHER_KEY, f"made-up-{i}", settings) for i in range(5)]

    for token in made_up:
        with pytest.raises(Unauthenticated):
            await verifier.verify(token)
    within_the_interval = provider.fetches
    clock.now += JWKS_REFRESH_SECONDS
    for token in made_up:
        with pytest.raises(Unauthenticated):
            await verifier.verify(token)

    assert (within_the_interval, provider.fetches) == (1, 2)


async def test_a_known_key_is_fetched_again_only_when_the_keys_are_old(provider: Provider) -> None:
    clock = Monotonic()
    settings = production(provider.url)
    verifier = TokenVerifier(settings, jwks=Jwks(provider.url, monotonic=clock))
    token = signed(PROVIDER_KEY, "provider-2026", settings)
    for _ in range(5):
        await verifier.verify(token)
    fresh = provider.fetches
    clock.now += JWKS_LIFESPAN_SECONDS
    provider.keys = []  # the provider withdrew the key

    with pytest.raises(Unauthenticated):
        await verifier.verify(token)

    assert (fresh, provider.fetches) == (1, 2)


async def test_keys_that_cannot_be_fetched_at_all_are_a_503_not_a_bad_token(
    provider: Provider,
) -> None:
    provider.down = True
    settings = production(provider.url)
    with pytest.raises(Unavailable):
        await TokenVerifier(settings).verify(signed(PROVIDER_KEY, "provider-2026", settings))


async def test_an_outage_after_the_first_fetch_keeps_the_keys_fetched_before(
    provider: Provider,
) -> None:
    clock = Monotonic()
    settings = production(provider.url)
    verifier = TokenVerifier(settings, jwks=Jwks(provider.url, monotonic=clock))
    token = signed(PROVIDER_KEY, "provider-2026", settings)
    await verifier.verify(token)
    provider.down = True
    clock.now += JWKS_LIFESPAN_SECONDS

    user = await verifier.verify(token)

    assert (user.role, provider.fetches) == (Role.COMMISSIONER, 2)
