"""API docs (Swagger UI) served from the packaged assets of `swagger-ui-bundle-v2`.

Intranets reach no CDN, and a CDN's script would run in the staff origin, so
the page, its script, its stylesheet and its initialiser are all served here;
the initialiser is a file, not an inline script, so the CSP needs no exception.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = "/api/docs/assets"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>planwatch API 文档 / API docs</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"""

INIT_JS = """// Start Swagger UI on this server's own OpenAPI document.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  presets: [SwaggerUIBundle.presets.apis],
  requestInterceptor: function (req) {
    // Unsafe calls need the session's CSRF token (POST /api/session returns it; kept for this tab).
    var token = window.sessionStorage.getItem("planwatch-csrf");
    if (token && req.method !== "GET") { req.headers["X-CSRF-Token"] = token; }
    return req;
  },
  responseInterceptor: function (res) {
    if (res.body && typeof res.body === "object" && res.body.csrf_token) {
      window.sessionStorage.setItem("planwatch-csrf", res.body.csrf_token);
    }
    return res;
  }
});
"""

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def docs_page() -> HTMLResponse:
    return HTMLResponse(PAGE.format(assets=ASSETS))


@router.get("/api/docs/init.js")
def docs_init() -> Response:
    return Response(INIT_JS, media_type="text/javascript")


def mount(app: FastAPI) -> None:
    """Add the docs page and its assets to `app` (the app is built with docs_url=None)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="api-docs-assets")
    app.include_router(router)
