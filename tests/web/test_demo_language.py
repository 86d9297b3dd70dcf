"""Every page of the console and the portal, rendered in Chinese from the demo register for every role,
speaks Chinese: no internal field names (snake_case), no untranslated codes (statuses, workflow states,
target kinds, projection methods, True/False/None), no raw ISO timestamps, no float noise.

The routes are read from the app's router, so a page added later is checked without editing this test;
a path parameter gets a value from samples() by its name (add one there for a new kind of id). From there
each role follows the links its pages offer (filters, paging, counts, ?as_of=, metric pages, round pages…),
a few of each shape, so a page reached only through a link or a query string is read too."""

from __future__ import annotations

import html as htmlmod
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from demo_site import PASSWORD, ROLES, build_demo
from fastapi.testclient import TestClient
from webtools import ARTIFACTS

from planwatch.evaluate.kinds import NAMES as TARGET_KINDS
from planwatch.register.finality import ALL_STATUSES
from planwatch.report.adapter import PROJECTION_METHODS
from planwatch.web import create_app
from planwatch.web.i18n import STATUS_LABELS

SEED_DOC = Path(__file__).resolve().parents[2] / "data" / "seeds" / "001_7a093e98f0871c03.txt"

# Codes the system stores or computes that a Chinese page must never print as they are.
CODES = sorted({*STATUS_LABELS, *ALL_STATUSES, *TARGET_KINDS, *PROJECTION_METHODS, "True", "False", "None",
                "null", "nan", "inf"})
CODE = re.compile(r"(?<![A-Za-z0-9_/.-])(" + "|".join(map(re.escape, CODES)) + r")(?![A-Za-z0-9_/-])")
SNAKE = re.compile(r"(?<![A-Za-z0-9/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9/-])")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?)?\b")
NOISE = re.compile(r"\d\.\d*(?:0{5,}|9{5,})\d")
# An English word left in the Chinese interface: lowercase, four letters or more, not part of an identifier
# (user names such as planwatch-demo, paths, file names). Names written with a capital (Excel, Word, English
# on the language switch) are names, not untranslated words.
WORD = re.compile(r"(?<![A-Za-z0-9_/.@-])[a-z]{4,}(?![A-Za-z0-9_/.@-])")
URL = re.compile(r"https?://\S+")
# Pages that only move the reader elsewhere, or are not HTML.
SKIP = re.compile(r"^/(api/|static|openapi\.json|lang/|logout)|/download|\.\{fmt\}|\.(csv|xlsx|json|pdf|docx)$")
HREF = re.compile(r'href="(/[^"#]*)"')
PER_SHAPE = 2  # pages followed per role for each route and set of query keys
# Pages reached by typing rather than a link: the search box, the portal's hidden 未报送 rows.
TYPED = ("/search?q=tws", "/search?q=教育", "/public/plans/3?unreported=1", "/plans/3?nr=1")
# Every page the issue names must be read by someone (issue 14's language bar).
MUST = ("/", "/public", "/plans/{plan_id}", "/indicators/{indicator_id}", "/reporting", "/approvals", "/review",
        "/review/{draft_id}", "/public/plans/{plan_id}", "/plans/{plan_id}/report", "/todo", "/rounds",
        "/rounds/{round_id}", "/dashboard", "/dashboard/list", "/indicators/{indicator_id}/meta", "/search",
        "/admin/users", "/admin/departments", "/admin/audit", "/public/status", "/public/indicators/{indicator_id}",
        "/plans/{plan_id}/tasks", "/compare", "/compare/metric", "/public/compare", "/public/compare/metric",
        "/plans/{plan_id}/document", "/plans/{plan_id}/assign", "/account/password", "/login")


class _Text(HTMLParser):
    """The text a reader sees: text outside script/style, and the title, placeholder, aria-label and alt
    attributes (tooltips and screen readers read them too). Text marked translate="no" (a plan document
    quoted as published) is the source's, not the interface's, and is left out, as is a command line or
    file name set in <code>/<kbd>/<samp> (typed as it is, in any language)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                      "track", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: str | None = None  # the tag that opened the skipped subtree
        self._depth = 0  # how deep in it, counting that tag only (others may be left unclosed)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip is not None:
            self._depth += tag == self._skip
            return
        if tag in ("script", "style", "code", "kbd", "samp") or ("translate", "no") in attrs:
            self._skip, self._depth = tag, 1
            return
        for k, v in attrs:
            if k in ("title", "placeholder", "aria-label", "alt") and v:
                self.parts.append(v)

    def handle_endtag(self, tag: str) -> None:
        if self._skip is not None and tag == self._skip:
            self._depth -= 1
            if self._depth == 0:
                self._skip = None

    def handle_data(self, data: str) -> None:
        if self._skip is None and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    p = _Text()
    p.feed(html)
    return p.parts


def problems(text: str) -> list[tuple[str, str]]:
    text = URL.sub(" ", text)
    out = []
    for kind, rx in (("field name", SNAKE), ("code", CODE), ("ISO timestamp", ISO), ("float noise", NOISE),
                     ("English word", WORD)):
        out += [(kind, m.group(0)) for m in rx.finditer(text)]
    return out


def page_routes(app: Any) -> list[str]:
    """Every GET path of the app, walking included routers."""
    def walk(routes: list[Any]) -> Iterator[str]:
        for r in routes:
            inner = getattr(r, "original_router", None) or getattr(r, "router", None)
            if inner is not None and not getattr(r, "methods", None):
                yield from walk(inner.routes)
            elif "GET" in (getattr(r, "methods", None) or ()):
                yield r.path
    return sorted(set(walk(app.router.routes)))


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("demo-lang")
    url = build_demo(home)
    return create_app(url, secret_key="demo-lang", files_dir=home / "files")


def samples(client: TestClient) -> dict[str, list[str]]:
    """Values for each path parameter: ids of the demo register in their printed forms."""
    plans = [str(p["id"]) for p in client.get("/api/plans").json()]
    inds = [str(i["id"]) for p in plans[:3] for i in client.get(f"/api/plans/{p}").json()["indicators"][:2]]
    return {"plan_id": plans, "indicator_id": inds}


def open_round(client: TestClient, csrf: str) -> str:
    """A reporting round on plan 3, overdue, unlocked once with a reason: its page has a log and a chase list."""
    r = client.post("/rounds", headers={"X-CSRF-Token": csrf}, follow_redirects=False,
                    data={"plan_id": "3", "year": "2025", "due_date": "2026-01-31", "lock_date": "2026-03-31"})
    assert r.status_code == 303, r.text
    path = urlsplit(r.headers["location"]).path
    for action, form in (("lock", {}), ("unlock", {"reason": "补报数据", "until": "2099-12-31"}), ("remind", {})):
        r = client.post(f"{path}/{action}", headers={"X-CSRF-Token": csrf}, data=form, follow_redirects=False)
        assert r.status_code == 303, (action, r.text)
    return path.rsplit("/", 1)[1]


def route_of(path: str, patterns: list[tuple[re.Pattern[str], str]]) -> str | None:
    return next((route for rx, route in patterns if rx.fullmatch(path)), None)


def workflow_states(client: TestClient) -> None:
    """Values in each workflow state and their history: a reporter submits two, a planner returns one."""
    rows = client.get("/api/plans/3").json()["indicators"][:40]  # the reporter's department leads these
    ind = next(r["id"] for r in rows if r["latest"] is None and r["method"] != "qualitative")
    client.cookies.clear()
    r = client.post("/api/session", json={"username": "d-reporter", "password": PASSWORD})
    csrf = r.json()["csrf_token"]
    made = []
    for year in (2024, 2025):
        r = client.post("/api/observations", headers={"X-CSRF-Token": csrf},
                        json={"indicator_id": ind, "year": year, "value": 3.14159265, "source_note": "测试"})
        assert r.status_code in (200, 201), r.text
        made.append(r.json())
    client.cookies.clear()
    r = client.post("/api/session", json={"username": "d-planner", "password": PASSWORD})
    csrf = r.json()["csrf_token"]
    obs = made[0].get("observation", made[0])
    r = client.post(f"/api/observations/{obs['id']}/return", headers={"X-CSRF-Token": csrf},
                    json={"expected_version": obs["version"], "comment": "请核实"})
    assert r.status_code == 200, r.text


def test_every_page_speaks_chinese(demo_app) -> None:  # type: ignore[no-untyped-def]
    found: dict[tuple[str, str, str], set[str]] = {}
    rendered: dict[str, set[str]] = {}
    routes = [r for r in page_routes(demo_app) if not SKIP.search(r)]
    # Fixed paths before parameterised ones, so /rounds is not read as /rounds/{round_id}.
    patterns = [(re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(r))), r)
                for r in sorted(routes, key=lambda r: ("{" in r, r))]
    with TestClient(demo_app, base_url="http://testserver") as client:
        r = client.post("/api/session", json={"username": "d-planner", "password": PASSWORD})
        csrf = r.json()["csrf_token"]
        r = client.post("/api/review", headers={"X-CSRF-Token": csrf},  # a plan under review
                        files={"file": (SEED_DOC.name, SEED_DOC.read_bytes(), "text/plain")})
        assert r.status_code in (200, 201), r.text
        sample = samples(client)
        sample["draft_id"] = [d["id"] for d in client.get("/api/review").json()][:1]
        sample["round_id"] = [open_round(client, csrf)]
        workflow_states(client)
        for role in (None, *ROLES):
            client.cookies.clear()
            if role is not None:
                r = client.post("/api/session", json={"username": f"d-{role}", "password": PASSWORD})
                assert r.status_code == 200, r.text
            queue: list[str] = [*TYPED]
            for route in routes:
                names = re.findall(r"\{(\w+)\}", route)
                values = [sample.get(n) or [] for n in names]
                if names and not all(values):
                    continue
                urls = [route]
                for n, vs in zip(names, values, strict=True):
                    urls = [u.replace("{" + n + "}", v) for u in urls for v in vs]
                queue += urls
            seen: set[str] = set(queue)
            shapes: dict[tuple[str, frozenset[str]], int] = {}
            while queue:
                url = queue.pop(0)
                r = client.get(url)
                if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/html"):
                    continue
                route = route_of(r.url.path, patterns) or r.url.path  # where a redirect ended
                rendered.setdefault(route, set()).add(role or "public")
                for kind, token in problems("\n".join(visible_text(r.text))):
                    found.setdefault((kind, token, route), set()).add(url)
                for link in map(htmlmod.unescape, HREF.findall(r.text)):
                    parts = urlsplit(link)
                    target = route_of(parts.path, patterns)
                    if link in seen or target is None or SKIP.search(parts.path):
                        continue
                    shape = (target, frozenset(k for k, _ in parse_qsl(parts.query)))
                    if shapes.get(shape, 0) < PER_SHAPE:
                        shapes[shape] = shapes.get(shape, 0) + 1
                        seen.add(link)
                        queue.append(link)
    report = "\n".join(f"{kind}: {token!r} on {route} ({', '.join(sorted(urls)[:3])})"
                       for (kind, token, route), urls in sorted(found.items()))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "language-findings.txt").write_text(report + "\n", encoding="utf-8")
    (ARTIFACTS / "language-pages.txt").write_text(
        "".join(f"{route}: {', '.join(sorted(who))}\n" for route, who in sorted(rendered.items())), encoding="utf-8")
    missing = [m for m in MUST if m not in rendered]
    assert not missing, f"not rendered: {missing} (routes: {routes})"
    assert not found, f"{len(found)} untranslated texts:\n{report[:6000]}"


def test_the_checks_catch_what_they_should() -> None:
    bad = "target_op: = · aggregation: mean_pop · (linear) · approved · True · 2026-12-04T14:35:00+00:00 · 0.8687500000000004"
    kinds = {k for k, _ in problems(bad)}
    assert kinds == {"field name", "code", "ISO timestamp", "float noise", "English word"}
    assert [t for k, t in problems("40 / <built-in method items of dict object> · 进展状态:open → locked")
            if k == "English word"] == ["method", "items", "dict", "object", "open", "locked"]
    assert not problems("2026年12月4日 14:35 · 是 · 否 · 0.87 · XLSX CSV JSON · 2021–2025 · p3-i90 · http://x.cn/a_b"
                        " · planwatch-demo · Excel · Word · English · 如 tws")
