"""Production keys come from the identity provider's JWKS URL, looked up by key id."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import Role, TokenVerifier, generate_private_key_pem, mint_token, public_key_pem
from shared.errors import Unauthenticated
from shared.settings import Environment, ServiceSettings

PROVIDER_KEY = generate_private_key_pem()
OTHER_KEY = generate_private_key_pem()


def jwk(private_pem: bytes, kid: str) -> dict[str, str]:
    public = serialization.load_pem_public_key(public_key_pem(private_pem))
    assert isinstance(public, rsa.RSAPublicKey)
    return {**json.loads(RSAAlgorithm.to_jwk(public)), "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    body = json.dumps({"keys": [jwk(PROVIDER_KEY, "provider-2026")]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


def signed(private_pem: bytes, kid: str, settings: ServiceSettings) -> str:
    token = mint_token(private_pem, settings, role=Role.COMMISSIONER, organisation="LLR-ICB")
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": kid})


def test_a_token_signed_by_the_providers_published_key_is_accepted(jwks_url: str) -> None:
    settings = ServiceSettings(
        environment=Environment.PRODUCTION,
        jwks_url=jwks_url,
        database_url="postgresql+asyncpg://db/x",
    )
    user = TokenVerifier(settings).verify(signed(PROVIDER_KEY, "provider-2026", settings))
    assert user.role is Role.COMMISSIONER


@pytest.mark.parametrize("kid", ["provider-2026", "unknown-key"])
def test_a_token_signed_by_any_other_key_is_refused(jwks_url: str, kid: str) -> None:
    settings = ServiceSettings(
        environment=Environment.PRODUCTION,
        jwks_url=jwks_url,
        database_url="postgresql+asyncpg://db/x",
    )
    with pytest.raises(Unauthenticated):
        TokenVerifier(settings).verify(signed(OTHER_KEY, kid, settings))
