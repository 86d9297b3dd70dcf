"""Deployment settings of the web server, read once from the environment.

One home for what an operator sets: whether the site is served over HTTPS
(Secure cookies and HSTS both follow `PLANWATCH_HTTPS=1`) and how large a
request body may be (a small default, a larger cap for the upload routes).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

MB = 1024 * 1024

# Routes that take files (plan documents under review, reporting spreadsheets, evidence):
# method and a path pattern. Every other request gets the default body limit.
UPLOAD_ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", r"/review"),
    ("POST", r"/api/review"),
    ("POST", r"/reporting/[^/]+"),
    ("POST", r"/reporting-upload"),
    ("POST", r"/plans/[^/]+/tasks/[^/]+/[^/]+"),
    ("POST", r"/api/observations/[^/]+/evidence"),
    ("POST", r"/api/progress/[^/]+/[^/]+/evidence"),
)


class SettingsError(ValueError):
    """A setting in the environment that cannot be used; the message names the variable."""


def _flag(env: dict[str, str], name: str, default: bool = False) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r}: 应为 1 或 0 / must be 1 or 0")


def _megabytes(env: dict[str, str], name: str, default: float) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return int(default * MB)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: 应为兆字节数 / must be a number of megabytes") from None
    if not 0 < value <= 4096:
        raise SettingsError(f"{name}={raw!r}: 应在 0–4096 MB 之间 / must be within 0–4096 MB")
    return int(value * MB)


@dataclass(frozen=True)
class Settings:
    https: bool = False
    body_limit: int = 1 * MB
    # The review upload accepts a 30 MB document (review.UPLOAD_MAX) plus its multipart framing.
    upload_limit: int = 32 * MB
    upload_routes: tuple[tuple[str, re.Pattern[str]], ...] = field(default_factory=lambda: tuple(
        (method, re.compile(pattern)) for method, pattern in UPLOAD_ROUTES))

    def body_limit_for(self, method: str, path: str) -> int:
        """The largest body this request may send (bytes)."""
        for m, pattern in self.upload_routes:
            if m == method and pattern.fullmatch(path):
                return self.upload_limit
        return self.body_limit


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment:

    PLANWATCH_HTTPS=1            served over HTTPS: Secure session cookie and HSTS
    PLANWATCH_BODY_LIMIT_MB      largest request body, default 1
    PLANWATCH_UPLOAD_LIMIT_MB    largest body on upload routes, default 32
    """
    env = dict(os.environ) if env is None else env
    return Settings(https=_flag(env, "PLANWATCH_HTTPS"),
                    body_limit=_megabytes(env, "PLANWATCH_BODY_LIMIT_MB", 1),
                    upload_limit=_megabytes(env, "PLANWATCH_UPLOAD_LIMIT_MB", 32))
