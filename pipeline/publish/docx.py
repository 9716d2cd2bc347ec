"""Word (.docx) writers, with python-docx: the translated document and a bilingual table.

The translated document is laid out like a press release: kind line, title,
by-line, a muted metadata paragraph, then the body in the template's Normal
style with the lines of a paragraph separated by line breaks and body headings
in Heading 2 (with space above and below, so a heading never sits against the
paragraph that follows). The bilingual document is one two-column table, source
left and translation right, one row per block of the transcript (header
blocks included), after a repeated column-heading row, with a row of the
localised metadata of both languages under the header blocks.

In the review style machine-translated sentences carry a dotted underline and
untranslated ones are grey italics (explained by a legend), as on the HTML
pages; the public style has no marks, and a discreet notice at the top where
machine translation remains. Files record their language (core properties and
the run language, for spell checkers; per column in the bilingual table) and
how much of them a translator reviewed (core properties ``comments`` and
``content_status``). The paper is A4 or US Letter.

A .docx is a zip archive; zip entries carry timestamps, so the archive is
rebuilt with fixed timestamps to make unchanged documents byte-identical.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from pipeline import __version__
from pipeline.publish.view import Line, Sentence, View
from pipeline.text.document import BlockKind, Status

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MUTED = (0x5F, 0x68, 0x77)
_ACCENT = (0x0B, 0x3D, 0x91)
_PPR_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _set_language(rpr, tag: str, rtl: bool) -> None:
    """Declare the language (``<w:lang w:val="fr"/>``) in the run properties ``rpr`` of a
    style or of one run, for proofing tools."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    if rtl:
        lang.set(qn("w:bidi"), tag)
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _bidi(paragraph) -> None:
    """Mark a paragraph right-to-left (``<w:bidi/>``)."""
    from docx.oxml import OxmlElement

    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)


# paper -> (width, height, side margin, top/bottom margin) in cm
_PAPER = {"a4": (21.0, 29.7, 2.5, 2.2), "letter": (21.59, 27.94, 2.3, 2.0)}
_BILINGUAL_MARGIN = 1.8  # cm: two columns need the width


class _Writer:
    """Builds one python-docx Document from a :class:`View`."""

    def __init__(self, view: View, paper: str = "a4", side_margin: float | None = None) -> None:
        import docx

        self.view = view
        self.rtl = view.target.dir == "rtl"
        self.doc = docx.Document()
        self._setup(paper, side_margin)

    def _setup(self, paper: str, side_margin: float | None) -> None:
        """Paper size, comfortable margins, spacing, language on the default style."""
        from docx.shared import Cm, Pt

        width, height, margin, top = _PAPER[paper]
        for section in self.doc.sections:
            section.page_width, section.page_height = Cm(width), Cm(height)
            section.left_margin = section.right_margin = Cm(side_margin or margin)
            section.top_margin, section.bottom_margin = Cm(top), Cm(top)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(8)
        normal.paragraph_format.line_spacing = 1.2
        heading = self.doc.styles["Heading 2"].paragraph_format
        heading.space_before, heading.space_after = Pt(18), Pt(8)
        heading.keep_with_next = True
        _set_language(normal.element.get_or_add_rPr(), self.view.target.lang, self.rtl)

    @property
    def text_width(self):
        """Width between the margins (EMU)."""
        section = self.doc.sections[0]
        return section.page_width - section.left_margin - section.right_margin

    def paragraph(self, style: str | None = None, cell=None, rtl: bool | None = None):
        """A new paragraph (in ``cell`` when given: its first, empty one first), right-to-left
        when its language is."""
        if cell is not None and len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs:
            paragraph = cell.paragraphs[0]
            if style:
                paragraph.style = style
        elif cell is not None:
            paragraph = cell.add_paragraph(style=style)
        else:
            paragraph = self.doc.add_paragraph(style=style)
        if self.rtl if rtl is None else rtl:
            _bidi(paragraph)
        return paragraph

    def run(self, paragraph, text: str, status: Status = Status.REVIEWED, side: str = "target"):
        """Add ``text``; in the review style machine translations dotted-underlined and
        untranslated text grey italic. Source-column runs carry the source language."""
        from docx.enum.text import WD_UNDERLINE
        from docx.shared import RGBColor

        run = paragraph.add_run(text)
        if self.view.marks and status is Status.MACHINE:
            run.font.underline = WD_UNDERLINE.DOTTED
        elif self.view.marks and status is Status.SOURCE:
            run.font.italic = True
            run.font.color.rgb = RGBColor(*_MUTED)
        page = self.view.side(side)
        if page.dir == "rtl":
            run.font.rtl = True
        if side == "source":
            _set_language(run._r.get_or_add_rPr(), page.lang, page.dir == "rtl")
        return run

    def sentences(self, paragraph, sentences: tuple[Sentence, ...], side: str = "target") -> None:
        """Sentences of one line as runs, separated as in the source."""
        for i, sentence in enumerate(sentences):
            self.run(paragraph, sentence.text, sentence.status, side)
            if i < len(sentences) - 1:
                self.run(paragraph, sentence.separator or " ", side=side)

    def lines(self, paragraph, lines: tuple[Line, ...], side: str = "target") -> None:
        """Lines of one paragraph, separated by line breaks."""
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            self.sentences(paragraph, line.source if side == "source" else line.target, side)

    def notice(self) -> None:
        """Public style: the discreet notice where machine translation remains."""
        from docx.shared import Pt, RGBColor

        if self.view.marks or not self.view.notices:
            return
        paragraph = self.paragraph()
        run = self.run(paragraph, " · ".join(self.view.notices))
        run.font.size, run.font.color.rgb = Pt(9), RGBColor(*_MUTED)
        paragraph.paragraph_format.space_after = Pt(14)

    def kind_format(self, paragraph) -> None:
        """The kind line: small caps, bold, accent colour, close to the title."""
        from docx.shared import Pt, RGBColor

        for run in paragraph.runs:
            run.font.small_caps, run.font.bold = True, True
            run.font.size, run.font.color.rgb = Pt(10.5), RGBColor(*_ACCENT)
        paragraph.paragraph_format.space_after = Pt(2)

    def header(self) -> None:
        """Kind line (small caps, accent colour), title, by-line."""
        page = self.view.target
        if page.title and page.kind:
            kind = self.paragraph()
            self.lines(kind, page.kind)
            self.kind_format(kind)
        title_lines = page.title or page.kind
        if title_lines:
            self.lines(self.paragraph("Title"), title_lines)
        if page.byline:
            self.lines(self.paragraph("Subtitle"), page.byline)

    def review_items(self) -> list[tuple[str, Status]]:
        """Review style: the legend of the marks used in the document."""
        if not self.view.marks:
            return []
        legend = []
        if self.view.machine:
            legend.append(
                (self.view.labels("Machine translation, not yet reviewed"), Status.MACHINE)
            )
        if self.view.untranslated:
            legend.append((self.view.labels("Not translated: original text"), Status.SOURCE))
        return legend

    def meta_lines(self, paragraph, items: list[str], side: str = "target") -> None:
        """Muted, small metadata lines separated by line breaks."""
        from docx.shared import Pt, RGBColor

        for i, item in enumerate(x for x in items if x):
            if i:
                paragraph.add_run().add_break()
            run = self.run(paragraph, item, side=side)
            run.font.size, run.font.color.rgb = Pt(9), RGBColor(*_MUTED)

    def legend(self, paragraph) -> None:
        """The legend of marks on its own line, each label in the mark it explains."""
        from docx.shared import Pt

        for i, (label, status) in enumerate(self.review_items()):
            if i:
                self.run(paragraph, "   ")
            else:
                paragraph.add_run().add_break()
            self.run(paragraph, label, status).font.size = Pt(9)

    def target_meta(self) -> list[str]:
        """The translation's metadata lines: dates, original language, review share."""
        review = f" · {self.view.reviewed_line}" if self.view.marks else ""
        return [" · ".join(self.view.target.meta), f"{self.view.original_line}{review}"]

    def metadata(self) -> None:
        """Muted metadata paragraph, the review line and the legend of marks."""
        from docx.shared import Pt

        meta = self.paragraph()
        self.meta_lines(meta, self.target_meta())
        self.legend(meta)
        meta.paragraph_format.space_after = Pt(18)

    def body(self) -> None:
        """Headings and paragraphs in source order."""
        for group in self.view.body:
            style = "Heading 2" if group.kind is BlockKind.HEADING else None
            self.lines(self.paragraph(style), group.lines)

    def properties(self) -> None:
        """Core properties: title, language, review share; fixed dates for reproducible bytes."""
        view, props = self.view, self.doc.core_properties
        props.title = view.title()
        props.language = view.target.lang
        props.subject = view.title("source")
        props.identifier = view.name
        props.author = ""
        props.last_modified_by = f"transcript-pipeline {__version__}"
        props.revision = 1
        props.keywords = f"translation; {view.source.lang}; {view.target.lang}"
        props.comments = (
            f"x-reviewed-ratio={view.reviewed_ratio:.4f}; sentences={view.total}; "
            f"reviewed={view.reviewed}; machine={view.machine}; untranslated={view.untranslated}"
        )
        props.content_status = view.reviewed_line
        meta = view.metadata
        created = dt.datetime.combine(meta.date, dt.time()) if meta.date else None
        modified = meta.updated or created
        stamp = dt.datetime(2000, 1, 1)
        props.created = created or stamp
        props.modified = modified or stamp

    def bytes(self) -> bytes:
        """The saved document, with its zip entries normalised."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalise_zip(buffer.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed entry timestamps and permissions (same order)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(view: View, paper: str = "a4") -> bytes:
    """The translated document as .docx bytes."""
    writer = _Writer(view, paper)
    writer.notice()
    writer.header()
    writer.metadata()
    writer.body()
    writer.properties()
    return writer.bytes()


def render_bilingual_docx(view: View, paper: str = "a4") -> bytes:
    """Source and translation in a two-column table, one row per block, as .docx bytes."""
    from pipeline.publish.docx_table import write_bilingual_table

    writer = _Writer(view, paper, side_margin=_BILINGUAL_MARGIN)
    writer.notice()
    write_bilingual_table(writer)
    writer.properties()
    return writer.bytes()
