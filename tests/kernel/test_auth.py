"""Bearer tokens: issuer, audience, expiry and algorithm pinned; roles admitted per endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
import structlog

from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role, TokenVerifier
from shared.errors import Unauthenticated
from shared.settings import Environment, ServiceSettings
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


async def test_a_valid_token_gives_the_user_organisation_and_role() -> None:
    user = await VERIFIER.verify(token(Role.CSU_OFFICER, "MLCSU", user_id="officer-7"))
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
async def test_bad_tokens_are_refused(name: str, bad_token: str) -> None:
    with pytest.raises(Unauthenticated):
        await VERIFIER.verify(bad_token)


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


async def test_a_401_says_only_that_the_token_is_not_accepted_and_the_log_says_why(
    service_client: ServiceClient,
) -> None:
    expired = jwt.encode(claims(exp=int(time.time()) - 120), PRIVATE_KEY, "RS256")
    async with service_client(GOVERNANCE) as (client, _):
        with structlog.testing.capture_logs() as lines:
            response = await client.get(
                "/framework-versions", headers={"Authorization": f"Bearer {expired}"}
            )
    assert response.status_code == 401
    assert response.json()["detail"] == "the bearer token is missing or not accepted"
    assert "expired" not in response.text.lower()
    [refused] = [line for line in lines if line["event"] == "bearer token refused"]
    assert "expired" in refused["reason"].lower()


def lasting(seconds: int) -> str:
    now = int(time.time())
    return jwt.encode(claims(iat=now, exp=now + seconds), PRIVATE_KEY, "RS256")


async def test_a_token_living_longer_than_the_maximum_lifetime_is_refused() -> None:
    most = SETTINGS.jwt_max_lifetime_seconds
    accepted = await VERIFIER.verify(lasting(most))
    with pytest.raises(Unauthenticated) as ten_years:
        await VERIFIER.verify(lasting(10 * 365 * 24 * 3600))
    with pytest.raises(Unauthenticated) as a_second_too_long:
        await VERIFIER.verify(lasting(most + 1))
    assert accepted.role is Role.MDT_MEMBER
    assert "at most" in ten_years.value.reason
    assert "at most" in a_second_too_long.value.reason


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("org", 12345),
        ("org", {"ods": "LLR-ICB"}),
        ("org", ""),
        ("org", "   "),
        ("org", [{"ods": "LLR-ICB"}]),
        ("org", ["LLR-ICB", {"ods": "RT5"}]),
        ("org", ["LLR-ICB", ""]),
        ("role", {"name": "mdt_member"}),
        ("role", [{"name": "mdt_member"}]),
        ("role", ["mdt_member", 7]),
        ("role", ""),
    ],
)
async def test_a_claim_naming_the_caller_must_hold_non_empty_strings(
    claim: str, value: object
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        await VERIFIER.verify(jwt.encode(claims(**{claim: value}), PRIVATE_KEY, "RS256"))
    assert f"claim '{claim}' must hold non-empty strings" in refused.value.reason


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


# --- Claims as identity providers name and shape them (settings), defaults unchanged ----------

ENTRA_TENANT = "6f1c8a52-9d2e-4b0a-8c53-0e5f3c1d2a47"
ENTRA = ServiceSettings(
    environment=Environment.TEST,
    database_url="postgresql+asyncpg://x/y",
    jwt_issuer=f"https://login.microsoftonline.com/{ENTRA_TENANT}/v2.0",
    jwt_audience="api://llr-platform",
    jwt_subject_claim="oid",
    jwt_role_claim="roles",
    jwt_role_map={"LLR.MdtMember": "mdt_member", "LLR.Auditor": "auditor"},
    jwt_organisation_claim="extension_odsCode",
)
CIS2 = ServiceSettings(
    environment=Environment.TEST,
    database_url="postgresql+asyncpg://x/y",
    jwt_issuer="https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
    jwt_audience="llr-platform-client",
    jwt_subject_claim="sub",
    jwt_role_claim="nhsid_nrbac_roles.role_code",
    jwt_role_map={"S8000:G8000:R8001": "registered_practitioner", "S8000:G8000:R8003": "auditor"},
    jwt_organisation_claim="nhsid_nrbac_roles.org_code",
    jwt_selected_role="person_roleid=selected_roleid",
)


def provider_token(settings: ServiceSettings, **body: object) -> str:
    now = int(time.time())
    standard = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "iat": now}
    return jwt.encode({**standard, "exp": now + 600, **body}, PRIVATE_KEY, "RS256")


def entra_claims(**overrides: object) -> dict[str, object]:
    """Shaped as Entra ID issues them: app roles in a `roles` array, the user's object id."""
    base: dict[str, object] = {
        "oid": "2b5e3c0e-7a91-4a8d-9b63-4d1f0c8e7a11",
        "tid": ENTRA_TENANT,
        "name": "A Practitioner",
        "roles": ["LLR.MdtMember"],
        "extension_odsCode": "RT5",
        "ver": "2.0",
    }
    return {**base, **overrides}


def cis2_claims(*roles: tuple[str, str], selected: int | None = None) -> dict[str, object]:
    """Shaped as NHS CIS2 issues them: RBAC roles as objects, each with its organisation, and
    the role the user chose at sign-in."""
    claims: dict[str, object] = {
        "sub": "910000000001",
        "uid": "910000000001",
        "nhsid_nrbac_roles": [
            {"person_roleid": f"09{i}", "role_code": code, "org_code": org, "role_name": "x"}
            for i, (code, org) in enumerate(roles)
        ],
        "id_assurance_level": "3",
    }
    return claims if selected is None else {**claims, "selected_roleid": f"09{selected}"}


async def test_an_entra_like_token_maps_its_roles_array_object_id_and_ods_claim() -> None:
    user = await TokenVerifier(ENTRA, PUBLIC_KEY).verify(provider_token(ENTRA, **entra_claims()))
    assert (user.user_id, user.organisation, user.role) == (
        "2b5e3c0e-7a91-4a8d-9b63-4d1f0c8e7a11",
        "RT5",
        Role.MDT_MEMBER,
    )


async def test_a_cis2_like_token_maps_its_rbac_role_code_and_the_roles_organisation() -> None:
    token_ = provider_token(CIS2, **cis2_claims(("S8000:G8000:R8001", "RT5")))
    user = await TokenVerifier(CIS2, PUBLIC_KEY).verify(token_)
    assert (user.user_id, user.organisation, user.role) == (
        "910000000001",
        "RT5",
        Role.REGISTERED_PRACTITIONER,
    )


async def test_a_cis2_like_token_counts_only_the_role_selected_at_sign_in_and_its_org() -> None:
    roles = [("S8000:G8000:R8003", "RWE"), ("S8000:G8000:R8001", "RT5")]
    verifier = TokenVerifier(CIS2, PUBLIC_KEY)
    chosen = [
        await verifier.verify(provider_token(CIS2, **cis2_claims(*roles, selected=i)))
        for i in (0, 1)
    ]
    assert [(user.organisation, user.role) for user in chosen] == [
        ("RWE", Role.AUDITOR),
        ("RT5", Role.REGISTERED_PRACTITIONER),
    ]


async def test_provider_roles_the_map_does_not_name_are_ignored() -> None:
    roles = ["Directory.Reader", "LLR.Auditor"]
    user = await TokenVerifier(ENTRA, PUBLIC_KEY).verify(
        provider_token(ENTRA, **entra_claims(roles=roles))
    )
    assert user.role is Role.AUDITOR


@pytest.mark.parametrize(
    ("name", "settings", "body", "reason"),
    [
        ("no mapped role", ENTRA, entra_claims(roles=["Directory.Reader"]), "roles"),
        (
            "two platform roles",
            ENTRA,
            entra_claims(roles=["LLR.MdtMember", "LLR.Auditor"]),
            "roles",
        ),
        ("our own name, unmapped", ENTRA, entra_claims(roles=["mdt_member"]), "roles"),
        ("no organisation", ENTRA, entra_claims(extension_odsCode=None), "extension_odsCode"),
        (
            "no subject",
            ENTRA,
            {k: v for k, v in entra_claims().items() if k != "oid"},
            "oid",
        ),
        (
            "roles in two organisations, none selected",
            CIS2,
            cis2_claims(("S8000:G8000:R8001", "RT5"), ("S8000:G8000:R8001", "RWE")),
            "org_code",
        ),
        (
            "a selected role the token does not hold",
            CIS2,
            cis2_claims(("S8000:G8000:R8001", "RT5"), selected=7),
            "nhsid_nrbac_roles",
        ),
        (
            "a default-shaped token where CIS2 is configured",
            CIS2,
            {"sub": "u1", "org": "RT5", "role": "registered_practitioner"},
            "nhsid_nrbac_roles",
        ),
    ],
)
async def test_tokens_whose_claims_do_not_name_one_user_organisation_and_role_are_refused(
    name: str, settings: ServiceSettings, body: dict[str, object], reason: str
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        await TokenVerifier(settings, PUBLIC_KEY).verify(provider_token(settings, **body))
    assert reason in refused.value.reason


async def test_the_default_claims_also_take_the_role_as_a_one_element_array() -> None:
    user = await VERIFIER.verify(jwt.encode(claims(role=["auditor"]), PRIVATE_KEY, "RS256"))
    assert user.role is Role.AUDITOR


def test_a_role_map_naming_no_platform_role_fails_when_the_service_starts() -> None:
    settings = ENTRA.model_copy(update={"jwt_role_map": {"LLR.Admin": "administrator"}})
    with pytest.raises(ValueError, match="administrator"):
        TokenVerifier(settings, PUBLIC_KEY)


def test_the_claims_mapping_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOVERNANCE_JWT_ROLE_CLAIM", "roles")
    monkeypatch.setenv("GOVERNANCE_JWT_ROLE_MAP", '{"LLR.Auditor": "auditor"}')
    monkeypatch.setenv("GOVERNANCE_JWT_ORGANISATION_CLAIM", "extension_odsCode")
    settings = GOVERNANCE.settings_type()
    assert (settings.jwt_role_claim, settings.jwt_organisation_claim) == (
        "roles",
        "extension_odsCode",
    )
    assert settings.jwt_role_map == {"LLR.Auditor": "auditor"}


async def test_an_entra_like_token_is_admitted_by_a_service_configured_for_entra(
    service_client: ServiceClient,
) -> None:
    mapping = ENTRA.model_dump(include={n for n in type(ENTRA).model_fields if "jwt" in n})
    async with service_client(GOVERNANCE, **mapping) as (client, _):
        auditor = provider_token(ENTRA, **entra_claims(roles=["LLR.Auditor"]))
        listed = await client.get(
            "/framework-versions", headers={"Authorization": f"Bearer {auditor}"}
        )
        member = provider_token(ENTRA, **entra_claims())
        refused = await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-01-01", "summary": "v2"},
            headers={"Authorization": f"Bearer {member}"},
        )
        ours = await client.get("/framework-versions", headers=bearer(Role.AUDITOR))
        document = (await client.get("/openapi.json")).json()
    assert listed.status_code == 200, listed.text
    assert refused.status_code == 403
    assert "mdt_member" in refused.json()["detail"]
    assert ours.status_code == 401  # today's token shape is not what this service reads
    scheme = document["components"]["securitySchemes"]["bearerJWT"]
    assert scheme["bearerFormat"] == "JWT"
    assert "`roles`" in scheme["description"]
    assert "LLR.Auditor -> auditor" in scheme["description"]
    assert "`extension_odsCode`" in scheme["description"]
