"""Approved means final (issue 12, item 6): a value submitted and not approved reaches neither a
report, the public portal (pages and API), an export, nor any status or data year; staff see it
on the indicator page, marked 待审核."""

from __future__ import annotations

from datetime import date

from webtools import login

from planwatch.exchange.export import export_rows
from planwatch.register.db import make_engine, session_factory
from planwatch.register.queries import evaluation_input
from planwatch.report.adapter import evaluate_for_report
from planwatch.report.config import ReportConfig
from planwatch.report.render_html import render_html
from planwatch.report.sections import build_document

PENDING = 77.7  # a figure nothing else in the seed holds


def _submit(client, seed) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "edu")
    r = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2024, "value": PENDING},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    client.post("/api/session/logout", headers={"X-CSRF-Token": token})
    client.cookies.clear()


def test_a_submitted_value_reaches_no_report_portal_or_export(client, seed, seeded):  # type: ignore[no-untyped-def]
    _submit(client, seed)
    text = str(PENDING)
    # The public portal: plan and indicator pages, and the public API.
    for url in (f"/public/plans/{seed.plan_id}", f"/public/indicators/{seed.preschool}",
                f"/api/public/plans/{seed.plan_id}", f"/api/public/indicators/{seed.preschool}", "/api/public/plans"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert text not in r.text, url
    pub = client.get(f"/api/public/indicators/{seed.preschool}").json()
    assert 2024 not in {v["year"] for v in pub["values"]}
    # An export and a report (html), read from the register as the CLI reads them.
    engine = make_engine(seeded[0])
    try:
        with session_factory(engine)() as s:
            rows = export_rows(s, seed.plan_id)
            inp = evaluation_input(s, seed.plan_id)
        assert rows and all(r["status"] == "approved" for r in rows)
        assert PENDING not in {r["value"] for r in rows}
        assert all(o.status == "approved" for o in inp.observations)
        html = render_html(build_document(evaluate_for_report(inp, 2024), ReportConfig(), today=date(2025, 1, 1)))
        assert text not in html
    finally:
        engine.dispose()


def test_staff_see_the_pending_value_marked_and_it_counts_nowhere(client, seed):  # type: ignore[no-untyped-def]
    _submit(client, seed)
    login(client, "planner")
    page = client.get(f"/indicators/{seed.preschool}")
    assert page.status_code == 200
    assert "待审核" in page.text and 'data-testid="pending"' in page.text
    staff = client.get(f"/api/indicators/{seed.preschool}").json()
    pending = [v for v in staff["values"] if v["year"] == 2024]
    assert pending and pending[0]["value"] == PENDING and pending[0]["pending"]
    # Never counted: the evaluation judges the last approved year (2022), for staff as for the public.
    assert staff["evaluation"]["year"] == 2022
    assert staff["evaluation"]["value"] != PENDING



def _text(r) -> str:  # type: ignore[no-untyped-def]
    """A download's readable content (an .xlsx's cells, one per line)."""
    if r.content[:2] == b"PK":
        from io import BytesIO

        from openpyxl import load_workbook

        wb = load_workbook(BytesIO(r.content))
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    return r.text


def test_a_submitted_value_reaches_no_web_download_or_web_report(client, seed):  # type: ignore[no-untyped-def]
    """The downloads people click: the portal's plan and indicator data, the staff plan table's
    download (staff see the value on the page, marked 待审核, but an export holds approved values),
    and a report made from the web."""
    _submit(client, seed)
    text = str(PENDING)
    urls = [f"/public/plans/{seed.plan_id}/download.{f}" for f in ("csv", "xlsx", "json")] + \
        [f"/public/indicators/{seed.preschool}/data.{f}" for f in ("csv", "json")]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert text not in _text(r), url
    login(client, "planner")
    assert 'data-testid="pending"' in client.get(f"/indicators/{seed.preschool}").text  # staff see it, marked
    for fmt in ("csv", "xlsx", "json"):
        r = client.get(f"/plans/{seed.plan_id}/download.{fmt}")
        assert r.status_code == 200, fmt
        assert text not in _text(r), fmt
    for kind in ("annual", "final"):
        r = client.get(f"/plans/{seed.plan_id}/report/download?kind={kind}&year=2024&format=html")
        assert r.status_code == 200, (kind, r.text[:300])
        assert text not in r.text, kind
