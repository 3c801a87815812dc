"""What every response tells a browser, what /ready tells anyone, and the /docs page's assets."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

import structlog

from shared.headers import SWAGGER_CSS, SWAGGER_JS
from shared.service import Runtime
from shared.testing.plugin import repo_root
from shared.web import create_app
from tests.conftest import given_client

SECURE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


async def test_ready_says_only_not_ready_and_the_log_says_why(
    things_runtime: Callable[..., Runtime],
) -> None:
    async def directory() -> None:
        raise ConnectionRefusedError("connect to 10.0.0.5:5432 as llr_owner refused")

    app = create_app(things_runtime(), readiness=[directory])
    async with given_client(app) as client:
        with structlog.testing.capture_logs() as lines:
            response = await client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "not ready"
    assert "10.0.0.5" not in response.text
    assert "directory" not in response.text
    [logged] = [line for line in lines if line["event"] == "not ready"]
    assert logged["dependency"] == "directory"
    assert "10.0.0.5" in logged["error"]


async def test_every_api_response_carries_the_security_headers(
    things_runtime: Callable[..., Runtime],
) -> None:
    async with given_client(create_app(things_runtime())) as client:
        responses = [
            await client.get("/health"),
            await client.get("/ready"),
            await client.get("/audit"),  # 401 problem
            await client.get("/no-such-route"),
            await client.get("/openapi.json"),
        ]
    assert [r.status_code for r in responses] == [200, 200, 401, 404, 200]
    for response in responses:
        assert {name: response.headers.get(name) for name in SECURE} == SECURE, response.url
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )
        assert "strict-transport-security" not in response.headers  # the ingress sends it


def sha256_source(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


async def test_the_docs_page_loads_pinned_assets_checked_by_hash_under_its_own_policy(
    things_runtime: Callable[..., Runtime],
) -> None:
    async with given_client(create_app(things_runtime())) as client:
        page = await client.get("/docs")
        redoc = await client.get("/redoc")
    assert page.status_code == 200
    assert redoc.status_code == 404  # it would load an unpinned script
    html = page.text
    assert re.search(r"swagger-ui-dist@\d+\.\d+\.\d+/", SWAGGER_JS)  # an exact release
    for asset in (SWAGGER_JS, SWAGGER_CSS):
        assert re.search(f'"{re.escape(asset)}" integrity="sha384-[^"]+"', html), asset
    assert "url: '/things/openapi.json'" in html
    [bootstrap] = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    policy = dict(
        part.split(" ", 1) for part in page.headers["content-security-policy"].split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == (
        f"https://cdn.jsdelivr.net/npm/{SWAGGER_JS.split('/npm/')[1].split('/')[0]}/ "
        f"{sha256_source(bootstrap)}"
    )
    assert "unsafe" not in policy["script-src"]
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_hsts_is_documented_for_tls_termination() -> None:
    security = (repo_root() / "docs" / "security.md").read_text()
    assert "Strict-Transport-Security" in security
