"""The bilingual Word document's table: source left, translation right, one row per block.

Split from :mod:`pipeline.publish.docx` (which owns the page, runs and marks)
because a table needs its own Word XML: column widths, borders, and a heading
row repeated on every page (``<w:tblHeader>``). Row 0 is that heading row;
then every block of the transcript in order, with one metadata row (dates,
delivery note, original language and, in the review style, review share and
legend) after the header blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.publish.view import HEADER_KINDS, Line
from pipeline.text.document import BlockKind

if TYPE_CHECKING:
    from pipeline.publish.docx import _Writer

_RULE = "BBBBBB"
_SIDES = ("source", "target")


def _xml(tag: str, **attributes: str):
    """A Word XML element with ``w:`` attributes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _borders(table) -> None:
    """Only a thin vertical rule between the columns."""
    borders = _xml("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH"):
        borders.append(_xml(f"w:{edge}", val="nil"))
    borders.append(_xml("w:insideV", val="single", sz="4", space="0", color=_RULE))
    table._tbl.tblPr.append(borders)


def _heading_row(writer: _Writer, table) -> None:
    """Column headings ("Original · anglais", "Traduction · français"), repeated on each
    page, ruled below."""
    from docx.shared import Pt, RGBColor

    view = writer.view
    row = table.add_row()
    row._tr.get_or_add_trPr().append(_xml("w:tblHeader", val="true"))
    headings = (
        f"{view.labels('Original', 'column header')} · {view.source.name}",
        f"{view.labels('Translation', 'column header')} · {view.target.name}",
    )
    for cell, text in zip(row.cells, headings, strict=True):
        paragraph = writer.paragraph(cell=cell)
        run = writer.run(paragraph, text)
        run.font.small_caps, run.font.bold = True, True
        run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x5F, 0x68, 0x77)
        paragraph.paragraph_format.space_after = Pt(4)
        borders = _xml("w:tcBorders")
        borders.append(_xml("w:bottom", val="single", sz="4", space="0", color=_RULE))
        cell._tc.get_or_add_tcPr().append(borders)


def _meta_row(writer: _Writer, table) -> None:
    """The localised metadata of both languages side by side."""
    from docx.shared import Pt

    view = writer.view
    row = table.add_row()
    items = {"source": [" · ".join(view.source.meta)], "target": writer.target_meta()}
    for cell, side in zip(row.cells, _SIDES, strict=True):
        page = view.side(side)
        paragraph = writer.paragraph(cell=cell, rtl=page.dir == "rtl")
        writer.meta_lines(paragraph, items[side], side)
        if side == "target":
            writer.legend(paragraph)
        paragraph.paragraph_format.space_after = Pt(12)


def _block_cell(writer: _Writer, cell, line: Line, side: str) -> None:
    """One block in one language, formatted by its kind."""
    from docx.shared import Pt, RGBColor

    page = writer.view.side(side)
    style = "Heading 2" if line.kind is BlockKind.HEADING else None
    paragraph = writer.paragraph(style, cell=cell, rtl=page.dir == "rtl")
    writer.lines(paragraph, (line,), side)
    spacing = paragraph.paragraph_format
    if line.kind is BlockKind.KIND:
        writer.kind_format(paragraph)
    elif line.kind is BlockKind.TITLE:
        for run in paragraph.runs:
            run.font.size, run.font.bold = Pt(16), True
        spacing.space_after = Pt(6)
    elif line.kind is BlockKind.BYLINE:
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb = Pt(12), RGBColor(0x3D, 0x44, 0x50)
        spacing.space_after = Pt(8)
    elif line.kind is BlockKind.HEADING:
        spacing.space_before = Pt(12)
    else:
        spacing.space_after = Pt(4)


def write_bilingual_table(writer: _Writer) -> None:
    """Append the bilingual table to the writer's document."""
    table = writer.doc.add_table(rows=0, cols=2)
    table.autofit = False
    _borders(table)
    _heading_row(writer, table)
    meta_written = False
    for line in writer.view.lines:
        if line.kind not in HEADER_KINDS and not meta_written:
            _meta_row(writer, table)
            meta_written = True
        row = table.add_row()
        for cell, side in zip(row.cells, _SIDES, strict=True):
            _block_cell(writer, cell, line, side)
    if not meta_written:
        _meta_row(writer, table)
    half = writer.text_width // 2
    for column in table.columns:
        column.width = half
    for row in table.rows:
        for cell in row.cells:
            cell.width = half
