"""Pure ASGI middlewares that guard every request before any route sees it.

- `BodyLimit`: a request body larger than its route's limit (settings) is
  refused with 413 as soon as Content-Length or the streamed byte count says
  so; the app never receives more than the limit, so no parser can buffer a
  huge body in memory.
- `SecurityHeaders`: CSP, frame, sniffing and referrer headers on every
  response, and HSTS when the site is served over HTTPS.
- `AccessLog`: one line per request (method, path, status, ms, user id),
  never bodies, query strings or passwords.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from planwatch.web.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_logger = logging.getLogger("planwatch.access")

# Inline scripts are never allowed (no 'unsafe-inline' for scripts): app.js and the API docs'
# initialiser are files. Inline style attributes are used by templates for layout only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


def _too_large_body(limit: int, path: str) -> tuple[bytes, bytes]:
    mb = f"{limit / (1024 * 1024):g} MB"
    message = f"请求内容过大(上限 {mb})/ request body too large (limit {mb})"
    if path.startswith("/api/"):
        return json.dumps({"error": "too_large", "message": message, "limit": limit},
                          ensure_ascii=False).encode(), b"application/json"
    html = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>413</title>"
            f"<p>{message}</p><p><a href=\"/\">返回 / back</a></p></html>")
    return html.encode(), b"text/html; charset=utf-8"


async def _send_413(send: Send, limit: int, path: str) -> None:
    body, ctype = _too_large_body(limit, path)
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.settings.body_limit_for(scope.get("method", "GET"), path)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await _send_bad_length(send)
                    return
                if declared > limit:
                    await _send_413(send, limit, path)
                    return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Stop feeding the app: whatever it was parsing fails, and it answers 413 below.
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    # The app turned the aborted read into some error page: answer 413 instead.
                    started = True
                    await _send_413(send, limit, path)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await _send_413(send, limit, path)
        except Exception:
            if exceeded and not started:
                await _send_413(send, limit, path)
                return
            raise
        if exceeded and not started:
            await _send_413(send, limit, path)


async def _send_bad_length(send: Send) -> None:
    body = "Content-Length 无效 / invalid Content-Length".encode()
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        headers = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
                   (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                   (b"cross-origin-opener-policy", b"same-origin")]
        if settings.https:
            headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self.headers = headers
        self.names = {n for n, _ in headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, with_headers)


class AccessLog:
    """One log line per request, with the id of the user the request was served for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            # The signed-in user as resolved for this request (web.security.current_user keeps it in
            # the request state); the session cookie itself only holds an opaque token.
            user = (scope.get("state") or {}).get("user")
            uid = getattr(user, "id", None)
            access_logger.info("%s %s %d %.1fms user=%s", scope.get("method", "-"), scope.get("path", "-"),
                               status, (time.perf_counter() - start) * 1000, uid if uid is not None else "-")
