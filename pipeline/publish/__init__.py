"""Publish stage: translated documents in reading and exchange formats.

:func:`publish_document` writes one :class:`~pipeline.text.document.TranslatedDocument`
in the requested formats and :func:`write_index` writes ``output/index.html``
linking everything published. Layout of the output directory::

    <output>/<lang>/<name>.txt|.md|.html|.docx         the translated document
    <output>/<src>-<lang>/<name>.html|.md|.tmx|.xlf    bilingual and exchange formats
    <output>/index.html

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
)
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
}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "PublishedFile",
    "output_paths",
    "publish_document",
    "write_index",
]


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


def check_formats(formats: Sequence[str]) -> list[str]:
    """The requested formats without duplicates, in order; UserError naming the valid ones."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UserError(
            f"unknown output format {', '.join(map(repr, unknown))}; "
            f"valid formats: {', '.join(FORMATS)}"
        )
    if not formats:
        raise UserError(f"no output format given; valid formats: {', '.join(FORMATS)}")
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


def _renderers(include_machine_in_tmx: bool) -> dict[str, Callable]:
    """Format -> function(view) returning str (text formats) or bytes (docx)."""
    from pipeline.publish import docx, exchange, html, text

    return {
        "txt": text.render_txt,
        "md": text.render_md,
        "html": html.render_html,
        "docx": docx.render_docx,
        "bilingual-html": html.render_bilingual_html,
        "bilingual-md": text.render_bilingual_md,
        "tmx": lambda view: exchange.render_tmx(view, include_machine=include_machine_in_tmx),
        "xliff": exchange.render_xliff,
    }


def publish_document(
    tdoc: TranslatedDocument,
    output_dir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    include_machine_in_tmx: bool = False,
) -> list[PublishedFile]:
    """Write ``tdoc`` in each of ``formats``; return the files, written or already up to date.

    ``include_machine_in_tmx`` adds machine-translated segments to the TMX,
    each marked with ``<prop type="x-status">machine</prop>``; by default a
    TMX holds only what a translator reviewed.
    """
    from pipeline.publish.view import build_view

    doc = tdoc.document
    paths = output_paths(doc.name, doc.language, tdoc.target_language, output_dir, formats)
    renderers = _renderers(include_machine_in_tmx)
    views = {}
    published = []
    for fmt, path in paths.items():
        xml = fmt != "txt"
        if xml not in views:
            views[xml] = build_view(tdoc, xml=xml)
        content = renderers[fmt](views[xml])
        written = _write(path, content)
        ratio = views[xml].reviewed_ratio
        published.append(PublishedFile(path, fmt, doc.name, tdoc.target_language, ratio, written))
    return published


def _write(path: Path, content: str | bytes | Iterable[str]) -> bool:
    """Write text, bytes or text chunks unless unchanged; a directory in the way, or any
    other write failure, is a UserError."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: a directory of that name is in the way")
    try:
        if isinstance(content, (str, bytes)):
            return write_if_changed(path, content)
        return write_chunks_if_changed(path, content)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from error


def write_index(output_dir: Path, published: Iterable[PublishedFile] = ()) -> Path:
    """Write ``<output>/index.html`` listing every document and language with links; return it.

    ``published`` (files just published) are first added to the manifest of
    everything published so far (``<output>/.published.sqlite3``); files since
    deleted are dropped from it. The page is rendered and written in chunks.
    """
    from pipeline.publish.index import render_index
    from pipeline.publish.manifest import PublishedManifest

    path = Path(output_dir) / "index.html"
    with PublishedManifest(Path(output_dir)) as manifest:
        manifest.record(published)
        manifest.prune()
        _write(path, render_index(manifest))
    return path
