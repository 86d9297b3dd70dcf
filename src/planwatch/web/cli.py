"""`planwatch serve`: the staff console, public portal and API on one port."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (set PLANWATCH_SECRET_KEY so they share sessions).")
@click.option("--database", "database_url", default=None, help="Database URL (default: PLANWATCH_DATABASE_URL or var/).")
def serve_command(host: str, port: int, workers: int, database_url: str | None) -> None:
    """Serve the web console, the public portal and the JSON API / 启动网页服务。"""
    import os
    import secrets

    import uvicorn

    from planwatch.register import migrate
    from planwatch.register.db import database_url as resolve_url
    from planwatch.register.db import make_engine
    from planwatch.web.settings import SettingsError, load_settings

    try:
        load_settings()  # a bad PLANWATCH_HTTPS or body limit is one line here, not a worker traceback
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    url = resolve_url(database_url)
    os.environ["PLANWATCH_DATABASE_URL"] = url  # workers build their app from the environment
    if workers > 1:
        os.environ.setdefault("PLANWATCH_SECRET_KEY", secrets.token_urlsafe(32))
    engine = make_engine(url)
    if not migrate.is_current(engine):
        migrate.upgrade(engine)  # a fresh install serves an empty, ready register
    engine.dispose()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(f"planwatch: http://{shown}:{port}/  (公众门户 public portal: http://{shown}:{port}/public)", err=False)
    from planwatch.web.app import SHUTDOWN_GRACE

    # SIGTERM: requests get SHUTDOWN_GRACE seconds, then the process ends (web.app.served).
    uvicorn.run("planwatch.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False, timeout_graceful_shutdown=SHUTDOWN_GRACE)
