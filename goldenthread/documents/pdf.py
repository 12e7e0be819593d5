"""HTML templates to PDF with WeasyPrint, for any document (plans, annual reports, update forms).

The PDF is tagged (PDF/UA-1), so screen readers get its headings, lists and tables; its
language and title come from the template's `<html lang>` and `<title>`, and WeasyPrint
turns h1–h3 into bookmarks. The print stylesheet is read from disk beside this module:
a PDF is not a web page, so the site's Content-Security-Policy does not apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

CSS_DIR = Path(__file__).resolve().parent / "css"
PDF_VARIANT = "pdf/ua-1"


def render_pdf(
    template_name: str, context: dict[str, Any], *, stylesheets: tuple[str, ...] = ("print.css",)
) -> bytes:
    """Render a Django template to PDF bytes, with print stylesheets from documents/css."""
    # Imported here: WeasyPrint loads Pango and its fonts, which pages that never make a
    # PDF should not pay for.
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(CSS_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_DIR / name)) for name in stylesheets],
        pdf_variant=PDF_VARIANT,
    )
