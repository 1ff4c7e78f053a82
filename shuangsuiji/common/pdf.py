"""PDFs with Chinese text (fpdf2 and the CJK font of common.fonts): the visit sheets, the joint meeting's summary."""

from __future__ import annotations

from fpdf import FPDF

from .fonts import find_cjk_font


class PdfError(Exception):
    """The PDF cannot be made (no Chinese font installed); the message says what to install."""


def cjk_pdf(title: str) -> FPDF:
    """An A4 document with the CJK font loaded as "cjk"."""
    font = find_cjk_font()
    if font is None:
        raise PdfError("服务器未安装中文字体，无法生成 PDF（请安装 fonts-noto-cjk 或设置 SSJ_CJK_FONT）。")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_title(title)
    return pdf


def line(pdf: FPDF, text: str, size: int = 10, height: float = 6) -> None:
    """A paragraph in the CJK font, wrapped to the page."""
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
