"""Document → PDF for filing and the portal: the report's HTML laid out by
WeasyPrint (Pango + the installed Noto CJK fonts, CSS paged media)."""

from __future__ import annotations

import logging

from planwatch.report.content import Document
from planwatch.report.render_html import Images, render_html

# WeasyPrint warns about CSS it ignores for print (e.g. box-shadow in @media screen).
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(doc: Document, images: Images | None = None) -> bytes:
    from weasyprint import HTML  # heavy import (~1 s); only when a PDF is asked for

    html = render_html(doc, images)
    pdf = HTML(string=html, base_url=".").write_pdf()  # title and metadata come from <head>
    assert pdf is not None
    return pdf
