"""Hostile bodies and response hardening: body limits before parsing, security headers, offline API docs,
an access log without secrets."""

from __future__ import annotations

import logging
import re
import select
import socket
import time
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from webtools import login

from planwatch.web import create_app
from planwatch.web.settings import MB, SettingsError, load_settings


def _streamed_post(base: str, path: str, total: int, chunk: int = 256 * 1024,
                   content_length: bool = False) -> tuple[int, int]:
    """POST `total` bytes to `path` in chunks (never held in memory); stop sending once the server answers.
    Returns (status, bytes sent)."""
    u = urlparse(base)
    sock = socket.create_connection((u.hostname, u.port), timeout=20)
    head = f"POST {path} HTTP/1.1\r\nHost: {u.hostname}\r\nContent-Type: application/json\r\n"
    head += f"Content-Length: {total}\r\n" if content_length else "Transfer-Encoding: chunked\r\n"
    sock.sendall((head + "\r\n").encode())
    block = b"x" * chunk
    sent = 0
    deadline = time.monotonic() + 60  # bounded: a server that never answers fails the test, not hangs it
    try:
        while sent < total and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            part = block[:min(chunk, total - sent)]
            try:
                sock.sendall(part if content_length else b"%x\r\n%s\r\n" % (len(part), part))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(part)
        if sent >= total and not content_length:
            sock.sendall(b"0\r\n\r\n")
        sock.settimeout(20)
        data = b""
        while b"\r\n" not in data:
            more = sock.recv(4096)
            if not more:
                break
            data += more
    finally:
        sock.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    assert m, f"no HTTP answer after {sent} bytes: {data[:200]!r}"
    return int(m.group(1)), sent


def test_anonymous_300mb_streamed_post_is_refused_early(server: str) -> None:
    status, sent = _streamed_post(server, "/api/observations", 300 * MB)
    assert status == 413
    assert sent < 50 * MB  # the server answered long before the body ended


def test_declared_oversized_body_refused_before_reading(server: str) -> None:
    status, sent = _streamed_post(server, "/api/session", 300 * MB, content_length=True)
    assert status == 413
    assert sent < 50 * MB


def test_oversized_bodies_get_413_with_bilingual_message(client: TestClient) -> None:
    r = client.post("/api/session", content=b"{" + b" " * (2 * MB) + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "请求内容过大" in r.json()["message"] and "too large" in r.json()["message"]
    r = client.post("/login", content=b"a" * (2 * MB), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert "请求内容过大" in r.text


def test_upload_routes_take_larger_bodies_up_to_their_cap(client: TestClient) -> None:
    token = login(client, "planner")
    # 3 MB is over the default limit but within the upload cap: the route itself answers.
    r = client.post("/api/review", files={"file": ("plan.txt", b"a" * (3 * MB), "text/plain")},
                    headers={"X-CSRF-Token": token})
    assert r.status_code != 413
    r = client.post("/api/review", files={"file": ("plan.txt", b"a" * (40 * MB), "text/plain")},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 413


def test_limits_are_configurable(seeded) -> None:  # type: ignore[no-untyped-def]
    url, _, files = seeded
    settings = load_settings({"PLANWATCH_BODY_LIMIT_MB": "0.01", "PLANWATCH_UPLOAD_LIMIT_MB": "0.05"})
    with TestClient(create_app(url, secret_key="k", files_dir=files, settings=settings)) as c:
        r = c.post("/api/session", json={"username": "x" * 20_000, "password": "y"})
        assert r.status_code == 413
        assert c.post("/api/session", json={"username": "planner", "password": "nope"}).status_code == 401
    with pytest.raises(SettingsError, match="PLANWATCH_BODY_LIMIT_MB"):
        load_settings({"PLANWATCH_BODY_LIMIT_MB": "lots"})
    with pytest.raises(SettingsError, match="PLANWATCH_HTTPS"):
        load_settings({"PLANWATCH_HTTPS": "maybe"})


def test_security_headers_on_pages_api_and_errors(client: TestClient) -> None:
    for path in ("/login", "/public", "/api/public/plans", "/no-such-page", "/static/app.js"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in r.headers


def test_hsts_only_when_https_is_set(seeded) -> None:  # type: ignore[no-untyped-def]
    url, _, files = seeded
    app = create_app(url, secret_key="k", files_dir=files, settings=load_settings({"PLANWATCH_HTTPS": "1"}))
    with TestClient(app) as c:
        assert c.get("/public").headers["strict-transport-security"].startswith("max-age=")


def test_pages_have_no_inline_script(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    for path in ("/", "/public", f"/plans/{seed.plan_id}", f"/plans/{seed.plan_id}/tasks", "/reporting",
                 "/approvals", "/review", "/no-such-page"):
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), path
        assert "javascript:" not in html, path
        assert not re.search(r"\son[a-z]+=\"", html), path


def test_api_docs_are_served_offline(client: TestClient) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200
    html = r.text
    refs = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert refs and all(ref.startswith("/") and not ref.startswith("//") for ref in refs), refs
    assert not re.search(r"https?://", html)
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html)  # no inline script: the CSP holds here too
    for ref in refs:
        assert client.get(ref).status_code == 200, ref
    init = client.get("/api/docs/init.js").text
    assert "/openapi.json" in init and not re.search(r"https?://", init)


def test_access_log_has_method_path_status_user_and_no_secrets(client: TestClient,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="planwatch.access"):
        client.post("/api/session", json={"username": "planner", "password": "wrong-password-123"})
        login(client, "planner")
        client.get("/api/me?token=secret-in-query")
    lines = [r.getMessage() for r in caplog.records if r.name == "planwatch.access"]
    assert any(re.fullmatch(r"POST /api/session 401 [\d.]+ms user=-", line) for line in lines), lines
    me = [line for line in lines if line.startswith("GET /api/me ")]
    assert me and re.fullmatch(r"GET /api/me 200 [\d.]+ms user=\d+", me[0]), me
    text = "\n".join(lines)
    assert "wrong-password" not in text and "secret-in-query" not in text and "secret-pass" not in text


@pytest.mark.browser
def test_pages_and_api_docs_run_under_the_csp_in_chromium(server: str, page, seed) -> None:  # type: ignore[no-untyped-def]
    """Chromium enforces the CSP: no page (nor the API docs) has anything it refuses."""
    from test_browser_pages import sign_in

    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/public", f"/public/plans/{seed.plan_id}", f"/public/indicators/{seed.childcare}", "/api/docs"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    assert page.locator(".swagger-ui .info .title").count() == 1  # Swagger UI started from its packaged files
    sign_in(page, server, "planner")
    for path in ("/", f"/plans/{seed.plan_id}", f"/plans/{seed.plan_id}/document", f"/plans/{seed.plan_id}/tasks",
                 f"/indicators/{seed.childcare}", "/reporting", "/approvals", "/review", "/no-such-page"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    assert refused == []
