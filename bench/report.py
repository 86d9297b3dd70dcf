"""Report benchmark: a plan with 40 indicators and 5 years of data (2020 baseline,
2021–2024 values, sub-regions for most), evaluated and rendered as PDF, .docx and
HTML. Prints wall and CPU seconds per stage. The bar: each format < 10 s.

Each format is rendered twice side by side: "cold" with the chart cache emptied first (the
report's first format), and "warm" reusing the charts drawn for an earlier format (how the
web and the CLI make a report's other formats).

    .venv/bin/python bench/report.py [--indicators 40] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "report"))

from report_sample import sample_input  # noqa: E402

BAR_SECONDS = 10.0


def cpu_seconds() -> float:
    """CPU of this process and of finished children (the chart workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def lap(self) -> tuple[float, float]:
        w, c = time.perf_counter(), cpu_seconds()
        out = (w - self.wall, c - self.cpu)
        self.wall, self.cpu = w, c
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--indicators", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    print(f"cores: {os.cpu_count()}, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    clock = Clock()
    from planwatch.report import chart_cache
    from planwatch.report.adapter import evaluate_for_report
    from planwatch.report.config import ReportConfig
    from planwatch.report.render_docx import render_docx
    from planwatch.report.render_html import render_html
    from planwatch.report.render_pdf import render_pdf
    from planwatch.report.sections import build_document

    w, _ = clock.lap()
    print(f"imports (matplotlib, python-docx; WeasyPrint loads on first PDF): {w:.2f} s wall")
    inp = sample_input(args.indicators, last_year=2024)
    n_obs = len(inp.observations)
    print(f"plan: {len(inp.indicators)} indicators, {n_obs} observations (region and 5 sub-regions), data 2021–2024")

    out = Path(tempfile.mkdtemp(prefix="planwatch-bench-report-"))
    worst: dict[str, float] = {}
    for run in range(args.repeat):
        clock.lap()
        data = evaluate_for_report(inp, 2025)
        doc = build_document(data, ReportConfig(kind="final"))
        t_build = clock.lap()
        for form, cache in [(f, c) for f in ("pdf", "docx", "html") for c in ("cold", "warm")]:
            if cache == "cold":
                chart_cache.clear()
            clock.lap()
            # Each renderer draws its own charts (PDF overlaps them with loading WeasyPrint).
            if form == "pdf":
                payload = render_pdf(doc)
            elif form == "docx":
                payload = render_docx(doc)
            else:
                payload = render_html(doc).encode()
            t_render = clock.lap()
            (out / f"report.{form}").write_bytes(payload)
            total = t_build[0] + t_render[0]
            worst[f"{form} {cache}"] = max(worst.get(f"{form} {cache}", 0.0), total)
            print(f"run {run + 1} {form:4} {cache}: evaluate+build {t_build[0]:.2f} s, charts ({len(doc.figures())}) and "
                  f"render {t_render[0]:.2f} s wall ({t_render[1]:.2f} s cpu incl. chart workers) → "
                  f"total {total:.2f} s, {len(payload) // 1024} KiB")
    if (out / "report.pdf").exists():
        import subprocess

        pages = subprocess.run(["pdfinfo", str(out / "report.pdf")], capture_output=True, text=True).stdout
        print(next((line for line in pages.splitlines() if line.startswith("Pages")), "Pages: ?"))
    for form, secs in worst.items():
        print(f"{form:9}: {secs:.2f} s  (bar < {BAR_SECONDS:.0f} s: {'ok' if secs < BAR_SECONDS else 'OVER'})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (wall times grow with other load)")
    print(f"files in {out}")


if __name__ == "__main__":
    main()
