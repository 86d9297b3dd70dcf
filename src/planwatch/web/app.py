"""The application factory: one FastAPI app serving the staff console, the
public portal and the JSON API over the same services, so the pages obey
exactly the rules the API enforces."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from planwatch.web.guard import AccessLog, BodyLimit, SecurityHeaders
from planwatch.web.i18n import translate
from planwatch.web.security import AuthError
from planwatch.web.settings import Settings, load_settings
from planwatch.web.templating import build_env, render, request_lang

STATIC = Path(__file__).parent / "static"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(database_url: str | None = None, secret_key: str | None = None,
               services: object | None = None, files_dir: str | Path | None = None,
               settings: Settings | None = None) -> FastAPI:
    """Build the app. `secret_key` signs session cookies; without it (and
    without PLANWATCH_SECRET_KEY) a random key is used, so sessions end when
    the process restarts. Uploads (plans under review, evidence) go to
    `files_dir`, PLANWATCH_FILES, or var/files beside the default database.
    `settings` (HTTPS, body limits) default to the environment (web/settings.py)."""
    from planwatch.register.db import files_root
    from planwatch.web import (
        api,
        api_tasks,
        apidocs,
        routes_admin,
        routes_auth,
        routes_compare,
        routes_dashboard,
        routes_meta,
        routes_pages,
        routes_public,
        routes_report,
        routes_reporting,
        routes_review,
        routes_rounds,
        routes_search,
        routes_tasks,
    )
    from planwatch.web.data import Services

    app = FastAPI(title="planwatch", version="0.1.0",
                  description="Public-service plan register, monitor and evaluator: JSON API. "
                              "Unsafe calls need the session cookie and the X-CSRF-Token header "
                              "(POST /api/session returns it).",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    settings = settings or load_settings()
    app.state.settings = settings
    key = secret_key or os.environ.get("PLANWATCH_SECRET_KEY") or secrets.token_urlsafe(32)
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="planwatch_session",
                       same_site="lax", https_only=settings.https, max_age=12 * 3600)
    # Outermost last: headers on every answer (413s too), the log sees every request and,
    # since the session middleware fills the shared scope, the user id.
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.state.services = services or Services(database_url)
    app.state.jinja = build_env()
    root = files_root(files_dir)
    root.mkdir(parents=True, exist_ok=True)
    app.state.files_root = root
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    apidocs.mount(app)

    for module in (routes_auth, routes_pages, routes_dashboard, routes_compare, routes_review, routes_reporting,
                   routes_report, routes_search, routes_tasks, routes_rounds, routes_public, api, api_tasks,
                   routes_admin, routes_meta):
        app.include_router(module.router)

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, exc: AuthError) -> Response:
        lang = request_lang(request)
        if _is_api(request):
            return JSONResponse({"error": exc.key, "message": translate(exc.key, lang)}, status_code=exc.status)
        if exc.status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        if exc.redirect:
            return RedirectResponse(f"{exc.redirect}?next={quote(request.url.path)}", status_code=303)
        return render(request, "error.html", status_code=exc.status, message=translate(exc.key, lang))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = request_lang(request)
        key = "error.not_found" if exc.status_code == 404 else "error.title"
        if _is_api(request) and exc.status_code == 400:
            # A body that cannot be parsed (not UTF-8, not JSON) is a field error like any other:
            # the one documented 422 shape, naming the body.
            return JSONResponse({"error": "validation", "fields": [{"field": "body", "message": str(exc.detail)}]},
                                status_code=422)
        if _is_api(request):
            detail = exc.detail if isinstance(exc.detail, str | dict | list) else str(exc.detail)
            return JSONResponse({"error": key, "detail": detail}, status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code,
                      message=translate(key, lang) if exc.status_code == 404 else str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg", "")}
                  for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"error": "validation", "fields": errors}, status_code=422)
        return render(request, "error.html", status_code=422,
                      message="; ".join(f"{e['field']}: {e['message']}" for e in errors))

    return app


# After the server has shut down (SIGTERM; uvicorn gives requests `SHUTDOWN_GRACE` seconds), a build
# still running in a worker thread (a long evaluation, a query waiting on a lock) must not keep the
# process alive: the interpreter would wait for the thread at exit. The process ends this many
# seconds after the application's shutdown, whatever such threads are doing (they only read, or
# write in one transaction the database rolls back).
SHUTDOWN_GRACE = 5
EXIT_GRACE = 3.0


def _exit_when_stuck(grace: float) -> None:
    import os
    import threading

    def stop() -> None:
        import sys

        sys.stderr.flush()
        os._exit(0)

    timer = threading.Timer(grace, stop)
    timer.daemon = True  # a clean exit before the timer fires ends it with the process
    timer.start()


# Modules pages import on first use (the evaluation, the plan page's tasks, comparisons).
WARM_MODULES = ("planwatch.evaluate", "planwatch.evaluate.kinds", "planwatch.evaluate.warnings",
                "planwatch.web.tasks_flow", "planwatch.web.compare_views")


def warm_up(app: FastAPI) -> None:
    """Import the modules pages import lazily, load the packaged division table and compile every
    template, so a fresh worker's first request pays for none of them. Reads nothing from the
    register: its cost does not grow with it."""
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    from planwatch.extract import divisions

    divisions.get("")  # the packaged division table the benchmark column's region chain reads (~50 ms)
    env = app.state.jinja
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def served(app: FastAPI) -> FastAPI:
    """`app` as `planwatch serve` runs it: warmed up at start (`warm_up`), and the process ends after
    the shutdown (see EXIT_GRACE)."""
    from contextlib import asynccontextmanager

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> Any:
        async with inner(a) as state:
            warm_up(app)
            yield state
        _exit_when_stuck(EXIT_GRACE)

    app.router.lifespan_context = lifespan
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers: everything from the environment. The access log goes to stderr
    (one line a request); each worker sets it up, since workers are fresh processes."""
    import logging
    import sys

    access = logging.getLogger("planwatch.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    return served(create_app())
