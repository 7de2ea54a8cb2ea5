"""HTML to PDF with WeasyPrint (which needs Debian's pango at run time)."""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (pango)."""


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # pango or its fonts are missing
        raise PdfUnavailable(str(exc).splitlines()[0]) from None
    result: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return result
