"""Word (.docx) writer, with python-docx.

The document is laid out like a press release: kind line, title, by-line,
a muted metadata paragraph, then the body in the template's Normal style with
the lines of a paragraph separated by line breaks and body headings in
Heading 2. Machine-translated sentences carry a dotted underline (explained by
a legend), as on the HTML pages. The file records the target language (core
properties and the default run language, for spell checkers) and how much of it
a translator reviewed (core properties ``comments`` and ``content_status``).

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


def _set_language(style, tag: str, rtl: bool) -> None:
    """Declare the run language on a style (``<w:lang w:val="fr"/>``) for proofing tools."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
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


class _Writer:
    """Builds one python-docx Document from a :class:`View`."""

    def __init__(self, view: View) -> None:
        import docx

        self.view = view
        self.rtl = view.target.dir == "rtl"
        self.doc = docx.Document()
        self._setup()

    def _setup(self) -> None:
        """A4 page, comfortable margins, language on the default style."""
        from docx.shared import Cm, Pt

        for section in self.doc.sections:
            section.page_width, section.page_height = Cm(21), Cm(29.7)
            section.left_margin = section.right_margin = Cm(2.5)
            section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(8)
        normal.paragraph_format.line_spacing = 1.2
        _set_language(normal, self.view.target.lang, self.rtl)

    def paragraph(self, style: str | None = None):
        """A new paragraph, right-to-left when the target language is."""
        paragraph = self.doc.add_paragraph(style=style)
        if self.rtl:
            _bidi(paragraph)
        return paragraph

    def run(self, paragraph, text: str, status: Status = Status.REVIEWED, lang: str = ""):
        """Add ``text``; machine translations dotted-underlined, untranslated text grey italic."""
        from docx.enum.text import WD_UNDERLINE
        from docx.shared import RGBColor

        run = paragraph.add_run(text)
        if status is Status.MACHINE:
            run.font.underline = WD_UNDERLINE.DOTTED
        elif status is Status.SOURCE:
            run.font.italic = True
            run.font.color.rgb = RGBColor(*_MUTED)
        if self.rtl:
            run.font.rtl = True
        return run

    def sentences(self, paragraph, sentences: tuple[Sentence, ...]) -> None:
        """Sentences of one line as runs, separated as in the source."""
        for i, sentence in enumerate(sentences):
            self.run(paragraph, sentence.text, sentence.status)
            if i < len(sentences) - 1:
                self.run(paragraph, sentence.separator or " ")

    def lines(self, paragraph, lines: tuple[Line, ...]) -> None:
        """Lines of one paragraph, separated by line breaks."""
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            self.sentences(paragraph, line.target)

    def header(self) -> None:
        """Kind line (small caps, accent colour), title, by-line."""
        from docx.shared import Pt, RGBColor

        page = self.view.target
        if page.title and page.kind:
            kind = self.paragraph()
            self.lines(kind, page.kind)
            for run in kind.runs:
                run.font.small_caps, run.font.bold = True, True
                run.font.size, run.font.color.rgb = Pt(10.5), RGBColor(*_ACCENT)
            kind.paragraph_format.space_after = Pt(2)
        title_lines = page.title or page.kind
        if title_lines:
            self.lines(self.paragraph("Title"), title_lines)
        if page.byline:
            self.lines(self.paragraph("Subtitle"), page.byline)

    def metadata(self, original_line: str) -> None:
        """Muted metadata paragraph, the review line and the legend of marks."""
        from docx.shared import Pt, RGBColor

        meta = self.paragraph()
        items = [" · ".join(self.view.target.meta), f"{original_line} · {self.view.reviewed_line}"]
        for i, item in enumerate(x for x in items if x):
            if i:
                meta.add_run().add_break()
            run = self.run(meta, item)
            run.font.size, run.font.color.rgb = Pt(9), RGBColor(*_MUTED)
        legend = []
        if self.view.machine:
            legend.append(
                (self.view.labels("Machine translation, not yet reviewed"), Status.MACHINE)
            )
        if self.view.untranslated:
            legend.append((self.view.labels("Not translated: original text"), Status.SOURCE))
        for i, (label, status) in enumerate(legend):
            if i:
                self.run(meta, "   ")
            else:
                meta.add_run().add_break()
            self.run(meta, label, status).font.size = Pt(9)
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


def render_docx(view: View) -> bytes:
    """The translated document as .docx bytes."""
    writer = _Writer(view)
    writer.header()
    writer.metadata(view.original_line)
    writer.body()
    writer.properties()
    return writer.bytes()
