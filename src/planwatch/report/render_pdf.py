"""Document → PDF for filing and the portal: the report's HTML laid out by
WeasyPrint (Pango + the installed Noto CJK fonts, CSS paged media)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from planwatch.report.content import Document
from planwatch.report.render_html import Images, render_html, start_charts

# WeasyPrint warns about CSS it ignores for print (e.g. box-shadow in @media screen).
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(doc: Document, images: Images | None = None) -> bytes:
    pending = start_charts(doc, "png") if images is None else None
    from weasyprint import HTML  # heavy import (~1 s), done while the charts are drawn

    if pending is not None:
        images = pending()
    assert images is not None
    # Charts go in as files beside the HTML rather than data: URIs, so the HTML
    # parser does not wade through megabytes of base64. Only these files are read.
    with tempfile.TemporaryDirectory(prefix="planwatch-report-") as tmp:
        for key, data in images.items():
            (Path(tmp) / f"{key}.png").write_bytes(data)
        html = render_html(doc, images, inline=False)
        pdf = HTML(string=html, base_url=Path(tmp).as_uri() + "/").write_pdf()  # title etc. from <head>
    assert pdf is not None
    return pdf
