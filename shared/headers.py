"""Security headers on every response, and the `/docs` page with pinned assets and its own CSP.

HSTS is not sent here: TLS ends at the ingress, which sends it (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# An API answers JSON only: no page of ours may be framed, sniffed, cached or run anything.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

# Swagger UI from one exact release, each file checked by the browser against its hash (SRI):
# a changed file on the CDN is refused, not run. To upgrade, change the version and the hashes
# (`openssl dgst -sha384 -binary FILE | openssl base64 -A` on the files of the npm package).
SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/"
SWAGGER_JS = SWAGGER_UI + "swagger-ui-bundle.js"
SWAGGER_CSS = SWAGGER_UI + "swagger-ui.css"
SWAGGER_FAVICON = SWAGGER_UI + "favicon-32x32.png"
INTEGRITY = {
    SWAGGER_JS: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
    SWAGGER_CSS: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
}
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_page(openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI for `openapi_url`: scripts only from the pinned release and the page's own
    bootstrap (by its hash); styles from the release and inline (Swagger UI sets inline styles,
    which run nothing); images from the release and data: URLs; fetches only to this origin."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=SWAGGER_JS,
        swagger_css_url=SWAGGER_CSS,
        swagger_favicon_url=SWAGGER_FAVICON,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
    )
    html = bytes(page.body).decode()
    for url, digest in INTEGRITY.items():
        html = html.replace(f'"{url}"', f'"{url}" integrity="{digest}" crossorigin="anonymous"')
    bootstraps = " ".join(f"'{_sha256(script)}'" for script in INLINE_SCRIPT.findall(html))
    policy = (
        "default-src 'none'; "
        f"script-src {SWAGGER_UI} {bootstraps}; "
        f"style-src {SWAGGER_UI} 'unsafe-inline'; "
        f"img-src {SWAGGER_UI} data:; "
        "connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def _sha256(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response that does not set its own (the docs page sets
    its CSP). Plain ASGI: no per-request task, unlike an `http` middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_secured)
