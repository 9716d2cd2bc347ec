"""Plain data passed between the pipeline's stages.

Ingest produces a :class:`Document`; segmentation adds :class:`Segment` spans
to each :class:`Block`; the catalog stage turns segments into PO entries; the
publish stage receives a :class:`TranslatedDocument`. No stage needs to know
how another one works, only these shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class BlockKind(str, Enum):
    """What part of a transcript a block of text is.

    The value is written into the PO file as an extracted comment so that a
    translator knows whether a string is a title, a by-line or body text.
    """

    KIND = "kind"  # "Press conference", "Speech", ...
    TITLE = "title"  # a title line of the header
    BYLINE = "byline"  # "by NATO Secretary General ..."
    HEADING = "heading"  # a one-line body paragraph with no final punctuation
    PARAGRAPH = "paragraph"  # body text


@dataclass(frozen=True)
class Metadata:
    """Header facts of a transcript that are localised rather than translated.

    The original header lines are kept verbatim (``*_text``) so nothing is lost;
    the parsed values let the publish stage print them in the target locale.
    """

    date: dt.date | None = None
    date_text: str | None = None
    updated: dt.datetime | None = None
    updated_text: str | None = None
    updated_label: str | None = None  # as written: "Last updated", "Mis à jour le"
    as_delivered: bool = False
    delivery_note_text: str | None = None  # as written: "(As delivered)"


@dataclass(frozen=True)
class Segment:
    """One sentence of a block: ``block.text[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A unit of text that keeps its place in the published document.

    ``paragraph`` groups blocks that were lines of one paragraph (transcripts
    written one sentence per line); blocks of one paragraph are published
    together. ``line`` is the 1-based line of the source file where the block
    starts, used for ``#:`` references and error messages.
    """

    kind: BlockKind
    text: str
    line: int
    paragraph: int


@dataclass
class Document:
    """A transcript: where it came from, its header facts and its ordered blocks."""

    name: str  # stem used for POT/PO/output file names, may contain "/" for mirrored trees
    source_path: str  # as given on the command line, used in "#:" references
    language: str  # source language code
    metadata: Metadata = field(default_factory=Metadata)
    blocks: list[Block] = field(default_factory=list)


class Status(str, Enum):
    """Where the text published for a segment comes from."""

    REVIEWED = "reviewed"  # a translator's msgstr (not fuzzy)
    MACHINE = "machine"  # a fuzzy machine translation
    SOURCE = "source"  # no translation: the source sentence is published


@dataclass(frozen=True)
class TermMark:
    """A glossary term in a segment's text: characters ``start:end``, and its note
    (the term and its approved translation, ``NATO → OTAN``)."""

    start: int
    end: int
    title: str


@dataclass(frozen=True)
class TranslatedSegment:
    """One sentence and its published text, with what the publish stage may point out.

    ``source_terms`` and ``target_terms`` mark glossary terms in ``source`` and
    ``target``; ``confidence`` is the machine translation's (0–1, None when the
    text is not a machine translation or its confidence is unknown). Plain data:
    the writers need not know where it came from.
    """

    source: str
    target: str
    status: Status
    separator: str = ""  # whitespace that followed the segment in the source block
    source_terms: tuple[TermMark, ...] = ()
    target_terms: tuple[TermMark, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True)
class TranslatedBlock:
    block: Block
    segments: list[TranslatedSegment]

    @property
    def source_text(self) -> str:
        return self.block.text

    @property
    def target_text(self) -> str:
        """The block in the target language, with the source's inter-sentence spacing."""
        return "".join(seg.target + seg.separator for seg in self.segments).rstrip()


@dataclass
class TranslatedDocument:
    """What the publish stage needs: the document and each block in the target language."""

    document: Document
    target_language: str
    blocks: list[TranslatedBlock]

    def count(self, status: Status) -> int:
        return sum(1 for b in self.blocks for s in b.segments if s.status is status)

    @property
    def reviewed_ratio(self) -> float:
        """Share of segments (0..1) whose published text a translator reviewed."""
        total = sum(len(b.segments) for b in self.blocks)
        return self.count(Status.REVIEWED) / total if total else 1.0
