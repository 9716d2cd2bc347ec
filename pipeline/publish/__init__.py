"""Publish stage: translated documents in reading and exchange formats.

:func:`publish_document` writes one :class:`~pipeline.text.document.TranslatedDocument`
in the requested formats, :func:`publish_languages` one document in several
languages (gated by the review options, pages linked to each other), and
:func:`write_index` writes ``output/index.html`` and one index per language.
Every option is gathered in one :class:`PublishOptions`. Layout of the output
directory::

    <output>/<lang>/<name>.txt|.md|.html|.docx|.pdf              the translated document
    <output>/<src>-<lang>/<name>.html|.md|.docx|.pdf|.tmx|.xlf   bilingual and exchange formats
    <output>/index.html, <output>/<lang>/index.html

Two styles: ``review`` (machine translations underlined, review bar and
legend: for translators and editors) and ``public`` (clean pages for a web
site: a discreet notice where machine translation remains, ``hreflang``
links between language versions, Open Graph and description metadata).

Every file is written through :func:`pipeline.fsutil.write_if_changed` (or
its bytes twin), and every format is deterministic, so re-publishing an
unchanged document touches no file. Writers are imported lazily: Jinja2,
python-docx and translate-toolkit load only when their format is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import UserError
from pipeline.fsutil import write_chunks_if_changed, write_if_changed
from pipeline.text.document import TranslatedDocument

FORMATS: tuple[str, ...] = (
    "txt",
    "md",
    "html",
    "docx",
    "bilingual-html",
    "bilingual-md",
    "tmx",
    "xliff",
    "bilingual-docx",
    "pdf",
    "bilingual-pdf",
)
PDF_FORMATS = frozenset({"pdf", "bilingual-pdf"})
PAPERS = ("a4", "letter")
DEFAULT_FORMATS: tuple[str, ...] = ("txt", "md", "html", "bilingual-html")

# format -> (bilingual directory?, file suffix)
_LAYOUT: dict[str, tuple[bool, str]] = {
    "txt": (False, ".txt"),
    "md": (False, ".md"),
    "html": (False, ".html"),
    "docx": (False, ".docx"),
    "bilingual-html": (True, ".html"),
    "bilingual-md": (True, ".md"),
    "tmx": (True, ".tmx"),
    "xliff": (True, ".xlf"),
    "bilingual-docx": (True, ".docx"),
    "pdf": (False, ".pdf"),
    "bilingual-pdf": (True, ".pdf"),
}
INDEX_NAME = "index"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "DocumentFacts",
    "PublishOptions",
    "PublishedFile",
    "output_paths",
    "publish_document",
    "publish_languages",
    "index_out_of_date",
    "write_index",
]


@dataclass(frozen=True)
class PublishOptions:
    """Every choice of the publish stage, in one place.

    ``style``: "review" or "public". ``paper``: "a4" or "letter" (PDF, Word,
    printed pages). ``only_reviewed`` publishes (and indexes) only documents
    fully reviewed, or at least ``min_reviewed`` percent reviewed when that is
    set; ``min_reviewed`` alone skips less reviewed documents (po4a's
    ``--keep``); ``require_reviewed`` makes the caller refuse to publish at
    all unless everything is reviewed. ``index_language`` is the language of
    ``output/index.html`` (default: the first language published).
    ``mark_least_confident``: in the review style, the least confident machine
    translations of each document, this percent of them (0: none), are marked
    (:func:`pipeline.mt.confidence.low_confidence_threshold`).
    """

    formats: tuple[str, ...] = DEFAULT_FORMATS
    style: str = "review"
    paper: str = "a4"
    only_reviewed: bool = False
    min_reviewed: float = 0.0
    require_reviewed: bool = False
    tmx_include_machine: bool = False
    index_language: str | None = None
    mark_least_confident: float = 10.0

    def __post_init__(self) -> None:
        from pipeline.publish.view import STYLES

        object.__setattr__(self, "formats", tuple(check_formats(self.formats)))
        if self.style not in STYLES:
            raise UserError(f"unknown style {self.style!r}; valid styles: {', '.join(STYLES)}")
        if self.paper not in PAPERS:
            raise UserError(f"unknown paper {self.paper!r}; valid sizes: {', '.join(PAPERS)}")
        for name in ("min_reviewed", "mark_least_confident"):
            value = getattr(self, name)
            if not 0 <= value <= 100:
                raise UserError(f"{name} {value}: expected a percentage 0-100")
        if self.index_language is not None:
            _check_language(self.index_language)

    @property
    def threshold(self) -> float:
        """The review percentage a document needs to be published (and indexed)."""
        if self.only_reviewed and not self.min_reviewed:
            return 100.0
        return self.min_reviewed

    def passes(self, reviewed_ratio: float) -> bool:
        """Whether a document this much reviewed (0..1) is published."""
        return reviewed_ratio * 100 + 1e-9 >= self.threshold


@dataclass(frozen=True)
class DocumentFacts:
    """What the index shows about a published document, taken from its header.

    ``title`` and ``kind`` are in the published language, ``source_*`` in the
    original; ``date`` is ISO (``2021-02-18``) or ""; ``source_path`` is the
    absolute path of the transcript, or "" when it was not a file on disk
    (the index drops a document whose recorded source has disappeared).
    """

    title: str
    kind: str = ""
    source_title: str = ""
    source_kind: str = ""
    date: str = ""
    source_path: str = ""
    source_language: str = ""


@dataclass(frozen=True)
class PublishedFile:
    """One file written (or found up to date) by :func:`publish_document`.

    ``written`` is False when the file already held exactly this content and
    was left untouched (so a caller can report "nothing changed").
    """

    path: Path
    format: str
    document: str
    language: str
    reviewed_ratio: float
    written: bool = field(default=True, compare=False)
    facts: DocumentFacts | None = field(default=None, compare=False)
    style: str = field(default="review", compare=False)


def check_formats(formats: Sequence[str]) -> list[str]:
    """The requested formats without duplicates, in order; UserError naming the valid ones.

    PDF formats also check that WeasyPrint and the system's Pango libraries load,
    so that a missing library is reported before anything is written.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UserError(
            f"unknown output format {', '.join(map(repr, unknown))}; "
            f"valid formats: {', '.join(FORMATS)}"
        )
    if not formats:
        raise UserError(f"no output format given; valid formats: {', '.join(FORMATS)}")
    if PDF_FORMATS.intersection(formats):
        from pipeline.publish.pdf import require_weasyprint

        require_weasyprint()
    return list(dict.fromkeys(formats))


def _check_language(code: str) -> None:
    """Language codes become directory names: accept only codes like fr, pt_BR, zh-Hans."""
    if not _LANGUAGE.match(code or ""):
        raise UserError(f"invalid language code {code!r} (expected e.g. fr, pt_BR)")


def _relative_name(document_name: str) -> PurePosixPath:
    """The document name as a safe relative path: no absolute path, no "..", no empty part."""
    name = PurePosixPath(document_name.replace("\\", "/"))
    parts = name.parts
    if not parts or name.is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise UserError(
            f"document name {document_name!r} cannot be used as an output path "
            "(it must be relative and contain no '..')"
        )
    if name == PurePosixPath(INDEX_NAME):
        raise UserError(
            f"document name {document_name!r} is taken by the index of each language "
            f"(<output>/<lang>/{INDEX_NAME}.html); rename the transcript"
        )
    return name


def output_paths(
    document_name: str,
    source_language: str,
    target_language: str,
    output_dir: Path,
    formats: Sequence[str],
) -> dict[str, Path]:
    """Where each format of one document in one language is written.

    Monolingual files go to ``<output>/<lang>/<name>.<ext>``; bilingual and
    exchange files to ``<output>/<src>-<lang>/<name>.<ext>``. ``<name>`` may
    contain "/" (mirrored sub-directories).
    """
    _check_language(source_language)
    _check_language(target_language)
    name = _relative_name(document_name)
    paths = {}
    for fmt in check_formats(formats):
        bilingual, suffix = _LAYOUT[fmt]
        folder = f"{source_language}-{target_language}" if bilingual else target_language
        paths[fmt] = Path(output_dir, folder, *name.parent.parts, name.name + suffix)
    return paths


def _renderers(options: PublishOptions) -> dict[str, Callable]:
    """Format -> function(view) returning str, text chunks or bytes."""
    from pipeline.publish import docx, exchange, html, text

    def pdf(bilingual: bool) -> Callable:
        from pipeline.publish.pdf import render_pdf

        return lambda view: render_pdf(view, paper=options.paper, bilingual=bilingual)

    return {
        "txt": text.render_txt,
        "md": text.render_md,
        "html": html.render_html,
        "docx": lambda view: docx.render_docx(view, paper=options.paper),
        "bilingual-html": html.render_bilingual_html,
        "bilingual-md": text.render_bilingual_md,
        "tmx": lambda view: exchange.render_tmx(view, include_machine=options.tmx_include_machine),
        "xliff": exchange.render_xliff,
        "bilingual-docx": lambda view: docx.render_bilingual_docx(view, paper=options.paper),
        "pdf": pdf(bilingual=False),
        "bilingual-pdf": pdf(bilingual=True),
    }


def publish_document(
    tdoc: TranslatedDocument,
    output_dir: Path,
    options: PublishOptions | None = None,
    *,
    alternates: Sequence[str] = (),
) -> list[PublishedFile]:
    """Write ``tdoc`` in each of ``options.formats``; return the files, written or up to date.

    ``alternates`` are the languages the same document is published in (its
    own included): public pages link to each other's versions with
    ``<link rel="alternate" hreflang>``. Machine-translated segments go into
    the TMX only with ``options.tmx_include_machine`` (marked as such).
    """
    from pipeline.publish.view import build_view

    options = options or PublishOptions()
    doc = tdoc.document
    paths = output_paths(doc.name, doc.language, tdoc.target_language, output_dir, options.formats)
    renderers = _renderers(options)
    links = []
    if "html" in options.formats:  # the pages the hreflang links point to
        links = _alternate_links(doc.name, tdoc.target_language, alternates)
    views = {}
    for xml in sorted({fmt != "txt" for fmt in paths}):
        views[xml] = build_view(
            tdoc,
            xml=xml,
            style=options.style,
            paper=options.paper,
            least_confident=options.mark_least_confident / 100,
        )
        views[xml].alternates = links
    facts = _facts(views[True] if True in views else views[False], doc.source_path)
    published = []
    for fmt, path in paths.items():
        view = views[fmt != "txt"]
        written = _write(path, renderers[fmt](view))
        published.append(
            PublishedFile(
                path,
                fmt,
                doc.name,
                tdoc.target_language,
                view.reviewed_ratio,
                written,
                facts,
                options.style,
            )
        )
    return published


def publish_languages(
    tdocs: Sequence[TranslatedDocument], output_dir: Path, options: PublishOptions | None = None
) -> list[PublishedFile]:
    """Publish one document in several languages: those that pass the review options
    (:meth:`PublishOptions.passes`), each page linking to the others' versions."""
    options = options or PublishOptions()
    passing = [tdoc for tdoc in tdocs if options.passes(tdoc.reviewed_ratio)]
    languages = [tdoc.target_language for tdoc in passing]
    published = []
    for tdoc in passing:
        published += publish_document(tdoc, output_dir, options, alternates=languages)
    return published


def _alternate_links(
    document_name: str, language: str, languages: Sequence[str]
) -> list[tuple[str, str]]:
    """(hreflang, relative href) of the document's page in each language, its own included;
    empty when it is published in one language only."""
    from urllib.parse import quote

    from pipeline.publish.labels import language_tag

    if len(set(languages) | {language}) < 2:
        return []
    name = _relative_name(document_name)
    up = "../" * len(name.parts)
    return [
        (language_tag(code), quote(f"{up}{code}/{name.as_posix()}.html", safe="/"))
        for code in sorted(set(languages) | {language})
    ]


def _facts(view, source_path: str) -> DocumentFacts:
    """The index facts of a published document (see :class:`DocumentFacts`)."""
    source = Path(source_path) if source_path else None
    return DocumentFacts(
        title=view.headline(),
        kind=view.kind_line(),
        source_title=view.headline("source"),
        source_kind=view.kind_line("source"),
        date=view.metadata.date.isoformat() if view.metadata.date else "",
        source_path=str(source.resolve()) if source and source.is_file() else "",
        source_language=view.source_lang,
    )


def _write(path: Path, content: str | bytes | Iterable[str]) -> bool:
    """Write text, bytes or text chunks unless unchanged; a directory in the way, or any
    other write failure, is a UserError. Atomically, not forced to disk: a published file
    is made again by the next run when it is not as the run left it (see pipeline.fsutil)."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: a directory of that name is in the way")
    try:
        if isinstance(content, (str, bytes)):
            return write_if_changed(path, content, durable=False)
        return write_chunks_if_changed(path, content, durable=False)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from error


def index_out_of_date(output_dir: Path) -> bool:
    """Whether the index pages need writing though nothing was published: a page is
    missing, or files or transcripts recorded in the manifest have gone since (they are
    dropped from it now). Costs a ``stat`` per recorded file, no rendering."""
    from pipeline.publish.manifest import MANIFEST_FILE, PublishedManifest

    output_dir = Path(output_dir)
    if not (output_dir / MANIFEST_FILE).is_file():
        return not (output_dir / "index.html").is_file()
    with PublishedManifest(output_dir) as manifest:
        pages = [output_dir / "index.html"]
        pages += [output_dir / code / f"{INDEX_NAME}.html" for code in manifest.languages()]
        return not all(page.is_file() for page in pages) or manifest.prune() > 0


def write_index(
    output_dir: Path,
    published: Iterable[PublishedFile] = (),
    options: PublishOptions | None = None,
    notes: list[str] | None = None,
) -> Path:
    """Write ``<output>/index.html`` and ``<output>/<lang>/index.html``; return the first.

    ``published`` (files just published) are first added to the manifest of
    everything published so far (``<output>/.published.sqlite3``); files since
    deleted, and documents whose transcript no longer exists, are dropped from
    it. With ``options.only_reviewed`` (or ``min_reviewed``) the index lists
    only what passes. Pages are rendered from the manifest and written in chunks.
    A damaged manifest is started afresh; ``notes`` (the run's) is told so.
    """
    from pipeline.publish.index import render_index
    from pipeline.publish.manifest import PublishedManifest

    options = options or PublishOptions()
    path = Path(output_dir) / "index.html"
    with PublishedManifest(Path(output_dir)) as manifest:
        if notes is not None:
            notes += manifest.notes
        manifest.record(published)
        manifest.prune()
        languages = manifest.languages()
        default = options.index_language or (languages[0] if languages else "en")
        _write(path, render_index(manifest, default, options))
        for language in languages:
            page = Path(output_dir) / language / f"{INDEX_NAME}.html"
            _write(page, render_index(manifest, language, options, only_language=True))
    return path
