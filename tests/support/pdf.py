"""Real PDF files for the ingest tests, built with fpdf2 (a PDF writer from PyPI) from a text fixture."""

from __future__ import annotations

from pathlib import Path


def pdf_from_text(text: str, path: Path) -> Path:
    """A PDF with a text layer: each line of `text` set in Helvetica (tabs as spaces, curly quotes straight).

    Helvetica, a font every PDF reader has, covers Latin-1 only; any other character is set as "?".
    """
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    for line in text.split("\n"):
        line = line.replace("\t", "  ").replace("‘", "'").replace("’", "'")
        line = line.encode("latin-1", "replace").decode("latin-1")
        pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def pdf_without_text(path: Path) -> Path:
    """A PDF whose one page is a filled rectangle: what a scan looks like to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path
