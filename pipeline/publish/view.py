"""A format-neutral view of a translated document, shared by every writer.

The writers (text, Markdown, HTML, DOCX, TMX, XLIFF) all need the same facts:
the header lines (kind, title, by-line), the localised metadata of each
language, the body grouped into paragraphs of lines, and each sentence of each
line with its status. Building them once here keeps the writers short and
makes every format agree on structure and numbering: sentence ``seg`` numbers
are document-wide, identical in both columns of the bilingual page and equal to
the XLIFF unit ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.publish import labels as lab
from pipeline.text.document import (
    BlockKind,
    Metadata,
    Status,
    TermMark,
    TranslatedBlock,
    TranslatedDocument,
)

if TYPE_CHECKING:
    from markupsafe import Markup

HEADER_KINDS = (BlockKind.KIND, BlockKind.TITLE, BlockKind.BYLINE)
STYLES = ("review", "public")
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
PAGE_TITLE_LIMIT = 70  # characters of a by-line used as <title> (search results show ~60)
DESCRIPTION_LIMIT = 160  # characters of <meta name="description"> (what search results show)
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 cannot carry (C0 controls, lone surrogates) with U+FFFD.

    lxml refuses them outright and HTML parsers treat them as errors; a
    visible replacement character is the honest rendering of such bytes.
    """
    return _XML_INVALID.sub("\ufffd", text)


@dataclass(frozen=True)
class Sentence:
    """One sentence as shown in one language; ``lang`` is the language of ``text``.

    ``terms`` are the glossary terms in ``text`` (character spans, not
    overlapping); ``least_confident`` marks a machine translation among the
    least confident of its document.
    """

    seg: int
    text: str
    status: Status
    lang: str
    separator: str = ""
    terms: tuple[TermMark, ...] = ()
    confidence: float | None = None
    least_confident: bool = False

    @property
    def css_class(self) -> str:
        """Class marking sentences a translator has not checked ("mt", plus "lc" for the
        least confident) or not translated ("ut")."""
        if self.status is Status.MACHINE:
            return "mt lc" if self.least_confident else "mt"
        return "ut" if self.status is Status.SOURCE else ""

    def marked_text(self) -> Markup:
        """The text, escaped, each glossary term in an ``<abbr>`` whose title is the term
        and its approved translation (``NATO → OTAN``), focusable for keyboard users."""
        from markupsafe import Markup, escape

        parts, position = [], 0
        for term in sorted(self.terms, key=lambda t: t.start):
            if term.start < position or term.end > len(self.text) or term.start >= term.end:
                continue  # overlapping or out of range: never cut the text wrongly
            parts += (
                escape(self.text[position : term.start]),
                '<abbr class="term" title="',
                escape(term.title),
                '" tabindex="0">',
                escape(self.text[term.start : term.end]),
                "</abbr>",
            )
            position = term.end
        parts.append(escape(self.text[position:]))
        return Markup("".join(parts))  # every piece of text above is escaped


@dataclass(frozen=True)
class Line:
    """One block of the document, in both languages."""

    index: int
    kind: BlockKind
    line: int
    source: tuple[Sentence, ...]
    target: tuple[Sentence, ...]

    def text(self, side: str) -> str:
        """The whole line in one language ("source" or "target"), inner spacing kept."""
        sentences = self.source if side == "source" else self.target
        return "".join(s.text + s.separator for s in sentences).strip()


@dataclass(frozen=True)
class Group:
    """Consecutive lines of one paragraph (or a single heading line)."""

    kind: BlockKind
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Side:
    """What one language column shows above the body: header lines and metadata."""

    lang: str  # BCP 47 tag for lang attributes ("pt-BR")
    dir: str
    name: str  # language name in the target language
    native_name: str  # language name in itself
    kind: tuple[Line, ...]
    title: tuple[Line, ...]
    byline: tuple[Line, ...]
    meta: tuple[str, ...]


@dataclass
class View:
    """Everything a writer needs to publish one document in one target language."""

    name: str
    source_lang: str
    target_lang: str
    source: Side
    target: Side
    body: list[Group]
    lines: list[Line]
    metadata: Metadata
    total: int
    reviewed: int
    machine: int
    untranslated: int
    labels: lab.Labels = field(repr=False)
    style: str = "review"
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, href)
    paper: str = "a4"  # "a4" or "letter": printed pages, Word and PDF

    @property
    def page_size(self) -> str:
        """The CSS ``@page`` size of :attr:`paper`."""
        return PAGE_SIZES[self.paper]

    @property
    def marks(self) -> bool:
        """Whether review marks (underlines, review bar, legend) are shown: review style only."""
        return self.style == "review"

    @property
    def least_confident(self) -> int:
        """Machine translations marked among the least confident of the document."""
        return sum(s.least_confident for line in self.lines for s in line.target)

    @property
    def has_terms(self) -> bool:
        """Whether any sentence, on either side, holds a glossary term."""
        return any(s.terms for line in self.lines for s in (*line.source, *line.target))

    @property
    def notices(self) -> tuple[str, ...]:
        """The public style's discreet notices: machine translation, untranslated passages.

        Empty for a fully reviewed document, so that it carries no notice at all.
        """
        items = []
        if self.machine:
            items.append(
                self.labels("Machine translation, partly reviewed")
                if self.reviewed
                else self.labels("Machine translation, not reviewed")
            )
        if self.untranslated:
            items.append(self.labels("Some passages are not translated yet."))
        return tuple(items)

    @property
    def reviewed_ratio(self) -> float:
        """Share (0..1) of sentences a translator reviewed; 1.0 for a document with none."""
        return self.reviewed / self.total if self.total else 1.0

    @property
    def original_line(self) -> str:
        """ "Original language: anglais", in the target language."""
        name = lab.language_name(self.source_lang, self.target_lang, capitalise=False)
        return self.labels("Original language: {language}", language=name)

    @property
    def reviewed_line(self) -> str:
        """Visible line recording how much of the document a person checked."""
        percent = lab.format_percent(self.reviewed_ratio, self.target_lang)
        return self.labels("Reviewed by a translator: {percent}", percent=percent)

    def title(self, side: str = "target") -> str:
        """Document title for ``<title>`` and file properties.

        The title line when there is one, else the kind line followed by the
        by-line ("Online press conference by NATO Secretary General …"), else
        the document's file name.
        """
        page = self.side(side)
        lines = page.title or page.kind + page.byline
        text = " ".join(line.text(side) for line in lines)
        return text or self.file_name

    @property
    def file_name(self) -> str:
        """The document's file name without its directories (the title of last resort)."""
        return self.name.rsplit("/", 1)[-1]

    def side(self, side: str) -> Side:
        """The source or the target page (``side`` is "source" or "target")."""
        return self.source if side == "source" else self.target

    def _join(self, lines: tuple[Line, ...], side: str) -> str:
        return " ".join(text for text in (line.text(side) for line in lines) if text)

    def headline(self, side: str = "target") -> str:
        """What the index lists a document by: its title line, else its by-line, else its
        kind line, else its file name (the kind line is shown above it separately)."""
        page = self.side(side)
        for lines in (page.title, page.byline, page.kind):
            text = self._join(lines, side)
            if text:
                return text
        return self.file_name

    def kind_line(self, side: str = "target") -> str:
        """The kind line ("Online press conference"), or ""."""
        return self._join(self.side(side).kind, side)

    def page_title(self, side: str = "target") -> str:
        """A short title for ``<title>``, Open Graph and running headers.

        The title line when there is one; else the kind line with the date
        ("Conférence de presse en ligne – 18 févr. 2021") rather than the kind
        strung together with a whole by-line; else the by-line, shortened.
        """
        page = self.side(side)
        title = self._join(page.title, side)
        if title:
            return shorten(title, PAGE_TITLE_LIMIT * 2)
        kind = self._join(page.kind, side)
        if kind:
            date = self.metadata.date
            return f"{kind} – {lab.format_date(date, page.lang)}" if date else kind
        return shorten(self._join(page.byline, side), PAGE_TITLE_LIMIT) or self.file_name

    def description(self, limit: int = DESCRIPTION_LIMIT) -> str:
        """The opening of the body (first paragraphs, up to ``limit`` characters) for
        ``<meta name="description">``; a greeting alone ("Bonjour.") is too short, so
        paragraphs are taken until there are at least 100 characters."""
        text = ""
        for group in self.body:
            if group.kind is BlockKind.HEADING:
                continue
            text = " ".join(x for x in (text, self._join(group.lines, "target")) if x)
            if len(text) >= 100:
                break
        return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def _sentences(
    tblock: TranslatedBlock,
    first_seg: int,
    source_lang: str,
    target_lang: str,
    clean: Callable[[str], str],
    threshold: float | None,
) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...]]:
    """Both sides of one block; a block without segments shows its text as one untranslated one.

    ``clean`` replaces characters one for one, so term offsets stay valid.
    """
    segments = tblock.segments
    if not segments:
        text = clean(tblock.block.text.strip())
        return (
            (Sentence(first_seg, text, Status.SOURCE, source_lang),),
            (Sentence(first_seg, text, Status.SOURCE, source_lang),),
        )
    source, target = [], []
    for offset, seg in enumerate(segments):
        number = first_seg + offset
        sep = clean(seg.separator)
        source.append(
            Sentence(
                number,
                clean(seg.source),
                Status.REVIEWED,
                source_lang,
                sep,
                _clean_terms(seg.source_terms, clean),
            )
        )
        lang = source_lang if seg.status is Status.SOURCE else target_lang
        text = seg.source if seg.status is Status.SOURCE else seg.target
        unsure = (
            seg.status is Status.MACHINE
            and threshold is not None
            and seg.confidence is not None
            and seg.confidence <= threshold
        )
        target.append(
            Sentence(
                number,
                clean(text),
                seg.status,
                lang,
                sep,
                _clean_terms(seg.target_terms, clean),
                seg.confidence,
                unsure,
            )
        )
    return tuple(source), tuple(target)


def _clean_terms(terms: tuple[TermMark, ...], clean: Callable[[str], str]) -> tuple[TermMark, ...]:
    return tuple(TermMark(t.start, t.end, clean(t.title)) for t in terms)


def confidence_threshold(tdoc: TranslatedDocument, share: float) -> float | None:
    """The confidence at or below which a machine translation of ``tdoc`` is among its
    least confident ``share`` (0..1; 0: none is)."""
    from pipeline.mt.confidence import low_confidence_threshold

    if share <= 0:
        return None
    values = (
        seg.confidence
        for block in tdoc.blocks
        for seg in block.segments
        if seg.status is Status.MACHINE
    )
    return low_confidence_threshold(values, share)


def _lines(tdoc: TranslatedDocument, clean: Callable[[str], str], share: float) -> list[Line]:
    """Every block as a :class:`Line`, sentences numbered from 1 across the document."""
    lines, seg = [], 1
    source_lang = lab.language_tag(tdoc.document.language)
    target_lang = lab.language_tag(tdoc.target_language)
    threshold = confidence_threshold(tdoc, share)
    for index, tblock in enumerate(tdoc.blocks):
        source, target = _sentences(tblock, seg, source_lang, target_lang, clean, threshold)
        seg += len(source)
        block = tblock.block
        lines.append(Line(index, block.kind, block.line, source, target))
    return lines


def _groups(lines: list[Line], paragraphs: list[int]) -> list[Group]:
    """Body lines grouped into paragraphs: consecutive lines with the same paragraph number."""
    groups: list[Group] = []
    previous: tuple[int, BlockKind] | None = None
    for line, paragraph in zip(lines, paragraphs, strict=True):
        if line.kind in HEADER_KINDS:
            continue
        kind = BlockKind.HEADING if line.kind is BlockKind.HEADING else BlockKind.PARAGRAPH
        key = (paragraph, kind)
        if groups and key == previous and kind is BlockKind.PARAGRAPH:
            groups[-1] = Group(kind, groups[-1].lines + (line,))
        else:
            groups.append(Group(kind, (line,)))
        previous = key
    return groups


def metadata_lines(metadata: Metadata, language: str) -> tuple[str, ...]:
    """Localised metadata: date, "Last updated …" line and delivery note, in that order."""
    labels = lab.Labels(language)
    items = []
    if metadata.date is not None:
        items.append(lab.format_date(metadata.date, language))
    elif metadata.date_text:
        items.append(metadata.date_text)
    updated = lab.updated_line(language, metadata.updated, metadata.updated_text)
    if updated:
        items.append(updated)
    if metadata.as_delivered:
        items.append(labels("(As delivered)"))
    return tuple(items)


def _side(tdoc: TranslatedDocument, lines: list[Line], side: str, clean) -> Side:
    """Header lines and metadata of one language column."""
    lang = tdoc.document.language if side == "source" else tdoc.target_language

    def of(kind: BlockKind) -> tuple[Line, ...]:
        return tuple(line for line in lines if line.kind is kind)

    meta = tuple(clean(item) for item in metadata_lines(tdoc.document.metadata, lang))
    return Side(
        lang=lab.language_tag(lang),
        dir=lab.text_direction(lang),
        name=lab.language_name(lang, tdoc.target_language),
        native_name=lab.language_name(lang, lang),
        kind=of(BlockKind.KIND),
        title=of(BlockKind.TITLE),
        byline=of(BlockKind.BYLINE),
        meta=meta,
    )


def build_view(
    tdoc: TranslatedDocument,
    xml: bool = True,
    style: str = "review",
    paper: str = "a4",
    least_confident: float = 0.1,
) -> View:
    """Build the :class:`View` of ``tdoc``; ``xml`` replaces characters XML cannot carry;
    ``style`` is "review" (marks and review bar) or "public" (clean pages);
    ``least_confident`` is the share (0..1) of machine translations marked as the
    least confident (review style)."""
    clean = xml_safe if xml else (lambda text: text)
    lines = _lines(tdoc, clean, least_confident)
    paragraphs = [tblock.block.paragraph for tblock in tdoc.blocks]
    return View(
        name=tdoc.document.name,
        source_lang=tdoc.document.language,
        target_lang=tdoc.target_language,
        source=_side(tdoc, lines, "source", clean),
        target=_side(tdoc, lines, "target", clean),
        body=_groups(lines, paragraphs),
        lines=lines,
        metadata=tdoc.document.metadata,
        total=sum(len(b.segments) for b in tdoc.blocks),
        reviewed=tdoc.count(Status.REVIEWED),
        machine=tdoc.count(Status.MACHINE),
        untranslated=tdoc.count(Status.SOURCE),
        labels=lab.Labels(tdoc.target_language),
        style=style,
        paper=paper,
    )
