"""Document → a self-contained HTML page (charts inlined), for the web and as
the input WeasyPrint turns into the PDF."""

from __future__ import annotations

import base64
import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib import resources

import jinja2

from planwatch.report import chart_cache
from planwatch.report.charts import Format, render_chart
from planwatch.report.content import (
    Block,
    Cell,
    Chart,
    Document,
    Figure,
    GroupRow,
    Heading,
    Paragraph,
    Section,
    Table,
)

Images = dict[str, bytes]
KEEP_ROWS = 12  # tables this short move whole to the next page rather than split


# Below this many charts a worker pool costs more than it saves.
PARALLEL_MIN = 6
# Charts print 155 mm wide: 150 dpi is sharp on paper and keeps files small. One dpi for every
# print format, so a report's PDF and .docx share each drawn chart.
PRINT_DPI = 150


def _render_one(args: tuple[Chart, Format, int]) -> bytes:
    return render_chart(*args)


def start_charts(doc: Document, form: Format = "png", dpi: int = PRINT_DPI,
                 workers: int | None = None) -> Callable[[], Images]:
    """Begin drawing every figure of the document; call the result to wait for them.

    Charts are independent, so with several cores they are drawn by forked
    workers (matplotlib is already imported here, so a fork starts at once)
    while the caller gets on with other work, e.g. loading WeasyPrint. Without
    fork, or with one core, they are drawn in order when waited for."""
    # A chart is drawn once per content: the same chart in another format of the report, or in a
    # report made again from unchanged data, comes from the cache.
    figs = doc.figures()
    done = {f.key: hit for f in figs if (hit := chart_cache.get(f.chart, form, dpi)) is not None}
    figs = [f for f in figs if f.key not in done]
    jobs = [(f.chart, form, dpi) for f in figs]

    def keep(drawn: Images) -> Images:
        for f in figs:
            chart_cache.put(f.chart, form, dpi, drawn[f.key])
        return {**done, **drawn}

    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n > 1 and len(jobs) >= PARALLEL_MIN and "fork" in mp.get_all_start_methods():
        pool = ProcessPoolExecutor(n, mp_context=mp.get_context("fork"))
        futures = [pool.submit(_render_one, j) for j in jobs]

        def wait() -> Images:
            try:
                return keep({f.key: fut.result() for f, fut in zip(figs, futures, strict=True)})
            finally:
                pool.shutdown()

        return wait
    return lambda: keep({f.key: _render_one(j) for f, j in zip(figs, jobs, strict=True)})


def chart_images(doc: Document, form: Format = "png", dpi: int = PRINT_DPI, workers: int | None = None) -> Images:
    """Every figure of the document drawn once, keyed by figure key."""
    return start_charts(doc, form, dpi, workers)()


@cache
def _template() -> jinja2.Template:
    text = resources.files("planwatch.report").joinpath("templates/report.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, trim_blocks=False, undefined=jinja2.StrictUndefined)
    return env.from_string(text)


@cache
def stylesheet() -> str:
    return resources.files("planwatch.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def _cell_class(c: Cell, default_align: str) -> str:
    cls = [{"left": "l", "right": "r"}.get(c.align or default_align, "c")]
    if c.bold:
        cls.append("b")
    if c.tone:
        cls.append(f"t-{c.tone}")
    return " ".join(cls)


def _block(b: Block, images: Images, form: Format, inline: bool = True) -> dict[str, object]:
    if isinstance(b, Paragraph):
        cls = b.style + (" draft" if b.draft else "")
        return {"type": "paragraph", "text": b.text, "lead": b.lead, "cls": cls}
    if isinstance(b, Heading):
        return {"type": "heading", "text": b.text}
    if isinstance(b, Figure):
        mime = "image/svg+xml" if form == "svg" else "image/png"
        if inline:
            src = f"data:{mime};base64," + base64.b64encode(images[b.key]).decode("ascii")
        else:
            src = f"{b.key}.png"  # a file the PDF renderer writes beside the page
        return {"type": "figure", "key": b.key, "caption": b.caption, "src": src}
    if isinstance(b, Table):
        total = sum(c.width for c in b.columns)
        rows: list[dict[str, object]] = []
        for r in b.rows:
            if isinstance(r, GroupRow):
                rows.append({"group": r.text})
            else:
                rows.append({"cells": [
                    {"text": c.text, "cls": _cell_class(c, col.align)} for c, col in zip(r, b.columns, strict=True)
                ]})
        return {
            "type": "table",
            "caption": b.caption,
            "columns": b.columns,
            "widths": [round(100 * c.width / total, 2) for c in b.columns],
            "rows": rows,
            "notes": b.notes,
            "font_size": b.font_size,
            "keep": len(b.rows) <= KEEP_ROWS,
        }
    raise TypeError(type(b).__name__)


def _section(s: Section, images: Images, form: Format, inline: bool = True) -> dict[str, object]:
    return {
        "key": s.key,
        "title": s.title,
        "draft": s.draft,
        "wide": any(isinstance(b, Table) and b.landscape for b in s.blocks),
        "blocks": [_block(b, images, form, inline) for b in s.blocks],
    }


def render_html(doc: Document, images: Images | None = None, form: Format = "png", inline: bool = True) -> str:
    """The report as one HTML page; with `inline`, charts are embedded as data: URIs
    so the page is self-contained (nothing fetched when it is viewed)."""
    if images is None:
        images = chart_images(doc, form, dpi=150) if inline else {}
    return _template().render(
        doc=doc,
        css=stylesheet(),
        sections=[_section(s, images, form, inline) for s in doc.sections],
        appendix=[_section(s, images, form, inline) for s in doc.appendix],
    )
