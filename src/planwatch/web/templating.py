"""Jinja2 environment and the per-request context every page gets."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from planwatch.evaluate.wording import rate_words
from planwatch.web import formatting
from planwatch.web.i18n import DEFAULT_LANG, normalise_lang, status_label, translate
from planwatch.web.security import csrf_token, current_user, signed_in

TEMPLATES = Path(__file__).parent / "templates"


def _signed_rate(value: Any) -> str:
    """A yearly rate in % as words: 增长3.5% / 下降4.35% (never 增长-4.35%)."""
    if value is None:
        return "—"
    word, size = rate_words(float(value))
    return f"{word}{formatting.num(float(size))}%"


_URL = re.compile(r"https?://[^\s()（）<>\"'|]+")


@pass_context
def _source(ctx: Context, text: Any) -> Markup:
    """A value's source note with its web addresses as links (the quote stays as written; a note the system
    wrote in both languages shows the page's half, formatting.bilingual)."""
    if not text:
        return Markup("—")
    out, last = [], 0
    s = formatting.bilingual(str(text), ctx.get("lang") or DEFAULT_LANG)
    for m in _URL.finditer(s):
        url = m.group(0).rstrip(".,;。，；")
        end = m.start() + len(url)
        host = re.sub(r"^https?://", "", url).split("/", 1)[0]
        out.append(escape(s[last:m.start()]))
        out.append(Markup('<a href="{}" rel="noopener noreferrer" title="{}">{}</a>').format(url, url, host))
        last = end
    out.append(escape(s[last:]))
    return Markup("").join(out)


def build_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["num"] = formatting.num
    env.filters["pct"] = formatting.pct
    env.filters["signed_rate"] = _signed_rate
    env.filters["source"] = _source
    env.globals["svg"] = Markup  # charts are built (and escaped) by planwatch.web.charts
    return env


def request_lang(request: Request) -> str:
    return normalise_lang(request.session.get("lang") or request.cookies.get("lang"))


def _context(request: Request, lang: str) -> dict[str, Any]:
    def t(key: str, **kw: Any) -> str:
        return translate(key, lang, **kw)

    def status(code: str | None, count: int | None = None) -> Markup:
        label, cls = status_label(code, lang)
        if count is not None:
            return Markup('<span class="status {}" data-status="{}">{} <b>{}</b></span>').format(cls, code, label, count)
        return Markup('<span class="status {}" data-status="{}">{}</span>').format(cls, code, label)

    def status_class(code: str | None) -> str:
        return status_label(code, lang)[1]

    def fmt(kind: str) -> Callable[[Any], str]:
        f = getattr(formatting, kind)
        return lambda v: f(v, lang)

    return {"request": request, "lang": lang, "t": t, "status": status, "status_class": status_class,
            "path": request.url.path, "when": fmt("when"), "day": fmt("day"), "yesno": fmt("yesno"),
            "code": fmt("code"), "field": fmt("field"), "value": fmt("value")}


def _switch_lang_url(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return f"/lang/{other}?next={request.url.path}" + (f"%3F{request.url.query}" if request.url.query else "")


def render_text(request: Request, template: str, **ctx: Any) -> str:
    env: Environment = request.app.state.jinja
    lang = request_lang(request)
    return env.get_template(template).render(
        **_context(request, lang), user=current_user(request), csrf=lambda: csrf_token(request),
        switch_lang_url=_switch_lang_url(request, lang), **ctx)


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(render_text(request, template, **ctx), status_code=status_code)


# Where a kept content block goes in the shell (no template writes NUL characters).
_BODY = Markup("\x00planwatch-content\x00")


async def render_cached(request: Request, template: str, key: tuple[Any, ...], title: str,
                  make_ctx: Callable[[], dict[str, Any]], public: bool = False) -> HTMLResponse:
    """A page whose content block depends only on `key`, the language and the data:
    the block is rendered once per data change and reused; only the header
    (user, language switch) is rendered per request. The content block must
    hold nothing user-specific (no CSRF token)."""
    env: Environment = request.app.state.jinja
    lang = request_lang(request)

    def build() -> bytes:
        tpl = env.get_template(template)
        context = tpl.new_context({**_context(request, lang), "public": public, **make_ctx()})
        return "".join(tpl.blocks["content"](context)).encode()

    body = await request.app.state.services.acached(("html", template, lang, public, *key), build)
    await signed_in(request)  # the header names the user: settled here, off the event loop if need be
    # The block is kept encoded: only the shell around it is rendered and encoded per request.
    head, tail = render_text(request, "shell.html", body=_BODY, title=title, public=public).split(_BODY)
    return HTMLResponse(head.encode() + body + tail.encode())
