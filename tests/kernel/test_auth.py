"""Bearer tokens: issuer, audience, expiry and algorithm pinned; roles admitted per endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role, TokenVerifier
from shared.errors import Unauthenticated
from tests.conftest import PRIVATE_KEY, PUBLIC_KEY, SETTINGS, ServiceClient, bearer, token

VERIFIER = TokenVerifier(SETTINGS, PUBLIC_KEY)


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": "u1",
        "org": "LLR-ICB",
        "role": "mdt_member",
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    return {**base, **overrides}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict[str, str], body: dict[str, object], key: bytes | None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(body).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{b64(signature)}"


def test_a_valid_token_gives_the_user_organisation_and_role() -> None:
    user = VERIFIER.verify(token(Role.CSU_OFFICER, "MLCSU", user_id="officer-7"))
    assert (user.user_id, user.organisation, user.role) == ("officer-7", "MLCSU", Role.CSU_OFFICER)


@pytest.mark.parametrize(
    ("name", "bad_token"),
    [
        ("expired", jwt.encode(claims(exp=int(time.time()) - 120), PRIVATE_KEY, "RS256")),
        ("wrong audience", jwt.encode(claims(aud="someone-else"), PRIVATE_KEY, "RS256")),
        ("wrong issuer", jwt.encode(claims(iss="https://evil.example"), PRIVATE_KEY, "RS256")),
        ("unsigned", hand_made({"alg": "none", "typ": "JWT"}, claims(), None)),
        ("algorithm confusion", hand_made({"alg": "HS256", "typ": "JWT"}, claims(), PUBLIC_KEY)),
        ("unknown role", jwt.encode(claims(role="superuser"), PRIVATE_KEY, "RS256")),
        (
            "no organisation",
            jwt.encode({k: v for k, v in claims().items() if k != "org"}, PRIVATE_KEY, "RS256"),
        ),
        ("garbage", "not.a.token"),
    ],
)
def test_bad_tokens_are_refused(name: str, bad_token: str) -> None:
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(bad_token)


async def test_the_api_refuses_missing_and_bad_tokens_with_401_problems(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        missing = await client.get("/framework-versions")
        unsigned = await client.get(
            "/framework-versions",
            headers={"Authorization": "Bearer " + hand_made({"alg": "none"}, claims(), None)},
        )
    for response in (missing, unsigned):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["status"] == 401


async def test_a_role_outside_the_endpoints_list_gets_403(service_client: ServiceClient) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-01-01", "summary": "v2"},
            headers=bearer(Role.CARE_WORKER),
        )
    assert response.status_code == 403
    assert "care_worker" in response.json()["detail"]


async def test_the_openapi_document_names_the_roles_of_each_route(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/framework-versions"]["post"]
    assert operation["x-roles"] == ["ipcb_member"]
    assert {"401", "403", "422"} <= operation["responses"].keys()
