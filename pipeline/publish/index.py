"""``output/index.html`` and ``output/<lang>/index.html``: what is published, newest first.

Each page lists documents by title and date (from the transcript header; the
file name only when there is none), newest first, with the kind line, the
languages, each language's review state and when its files were published.
A few lines of plain JavaScript (``index.js``) add a search over titles and
sorting and filtering by date, language and review state; without JavaScript
the controls stay hidden and the list is complete, newest first.

The interface is localised through the label catalogs: ``output/index.html``
in the index language (``PublishOptions.index_language``), each
``output/<lang>/index.html`` in its own language, listing that language's
versions only. Pages are rendered from the published-files manifest
(:mod:`pipeline.publish.manifest`) one document at a time, so an archive of
50,000 documents is never held in memory. The manifest also keeps each row's
HTML with a key of what it was made from (the document's files, the page's
language and options, this module, the row template, the label catalogs): a
run that published a few documents renders only their rows and copies the rest.

Links are relative (and percent-encoded) so the output directory can be
moved, served or zipped as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pipeline import __version__
from pipeline.publish import labels as lab

if TYPE_CHECKING:
    from pipeline.publish import PublishOptions
    from pipeline.publish.manifest import ManifestRow, PublishedManifest

# Format -> label (translated with the context "format"), in the order links are listed.
FORMAT_NAMES = {
    "html": "Web page",
    "pdf": "PDF",
    "docx": "Word",
    "txt": "Text",
    "md": "Markdown",
    "bilingual-html": "Bilingual page",
    "bilingual-pdf": "Bilingual PDF",
    "bilingual-docx": "Bilingual Word",
    "bilingual-md": "Bilingual Markdown",
    "tmx": "TMX",
    "xliff": "XLIFF",
}
STATES = ("reviewed", "partly", "unreviewed")
_ROW_TEMPLATE = "index_row.html.j2"
STATE_LABELS = {
    "reviewed": "Reviewed",
    "partly": "Partly reviewed",
    "unreviewed": "Not reviewed",
}


def review_state(ratio: float) -> str:
    """ "reviewed" (everything), "partly" or "unreviewed" (nothing a person checked)."""
    if ratio >= 1.0 - 1e-9:
        return "reviewed"
    return "partly" if ratio > 0 else "unreviewed"


@dataclass
class FileLink:
    """One published file: its localised format name, relative link and, when it differs
    from the language's newest file, its own review share."""

    name: str
    href: str
    note: str = ""


@dataclass
class LanguageEntry:
    """A document in one language: review state, publication time and files."""

    code: str
    tag: str  # BCP 47, for lang attributes
    name: str  # in the page's language
    reviewed_ratio: float
    reviewed: str  # localised percentage
    state: str
    published_at: str  # ISO 8601 UTC, "" when unknown
    published: str  # localised line, "" when unknown
    files: list[FileLink] = field(default_factory=list)


@dataclass
class DocumentEntry:
    """One row of the index: a document with its versions."""

    document: str
    date: str  # ISO, "" when undated
    date_label: str
    title: str
    title_lang: str
    kind: str
    link: str  # the web page in the page's language (else the first one), or ""
    languages: list[LanguageEntry]

    @property
    def search_text(self) -> str:
        """What the search box matches: title, kind line and file name."""
        return " ".join(x for x in (self.title, self.kind, self.document) if x)

    @property
    def states(self) -> str:
        """``lang:state`` tokens for the filters ("fr:partly de:reviewed")."""
        return " ".join(f"{entry.code}:{entry.state}" for entry in self.languages)


@dataclass
class _Page:
    """What every row of one index page shares: its language and where it lives."""

    language: str
    prefix: str  # from the page to the output directory ("" or "../")
    labels: lab.Labels


def _rendered_rows(manifest: PublishedManifest, page: _Page, scope: str | None, threshold: float):
    """Each document's row of the page as HTML (``Markup``), newest first: copied from the
    manifest's cache when its files' rows are as they were, else rendered and kept.

    An archive's index lists every document, so a run that changed 1 % of them would
    otherwise render 100 % of the rows again (about 0.12 ms each)."""
    from markupsafe import Markup

    row = _row_template().module.row
    page_key = _page_key(page, scope, threshold)
    cached = _Cached(manifest.cached_rows(page_key))
    for document, group in itertools.groupby(
        manifest.rows(scope, threshold), key=lambda row: row.document
    ):
        items = list(group)
        key = _digest(repr((page_key, items)).encode("utf-8"))
        html = cached.html(items[0].date, document, key)
        if html is None:
            html = row(_document(items, page), page.labels)
            manifest.keep_row(page_key, document, key, html)
        yield Markup(html)
    manifest.commit_rows()


class _Cached:
    """The cached rows of a page, walked beside the manifest's rows (same order)."""

    def __init__(self, rows: Iterator[tuple[str, str, str, str]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def html(self, date: str, document: str, key: str) -> str | None:
        """The kept HTML of ``document``'s row when it was made from ``key``."""
        if self._next is not None and self._next[1] != document:
            order = _newest_first(date, document)
            while self._next is not None and _newest_first(*self._next[:2]) < order:
                self._next = next(self._rows, None)
        found = self._next
        if found is None or found[1] != document:
            return None
        self._next = next(self._rows, None)
        return found[3] if found[2] == key else None


def _newest_first(date: str, document: str) -> tuple:
    """The index's order (``ORDER BY date DESC, document``) as a Python sort key."""
    return tuple(-ord(char) for char in date) + (1,), document


def _row_template():
    from pipeline.publish.html import environment

    return environment().get_template(_ROW_TEMPLATE)


def _page_key(page: _Page, scope: str | None, threshold: float) -> str:
    """What every row of a page is made from besides its files: the page's language and
    place, the tool's version, this module, the labels module and the row template, the
    label catalogs and the locale data (Babel's version)."""
    import babel

    made_from = [page.language, page.prefix, scope, threshold, __version__, babel.__version__]
    made_from += [_digest(Path(module).read_bytes()) for module in (__file__, lab.__file__)]
    made_from += [_digest(_row_source().encode("utf-8"))]
    made_from += [_digest(path.read_bytes()) for path in lab.catalog_files(page.language)]
    return _digest(repr(made_from).encode("utf-8"))


def _row_source() -> str:
    from pipeline.publish.html import environment

    env = environment()
    return env.loader.get_source(env, _ROW_TEMPLATE)[0]


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _document(items: list[ManifestRow], page: _Page) -> DocumentEntry:
    """One index row from the files of one document."""
    first = items[0]
    languages = [
        _language(code, list(files), page)
        for code, files in itertools.groupby(items, key=lambda row: row.language)
    ]
    own = [row for row in items if row.language == page.language and row.title]
    if own:
        title, kind, title_lang = own[0].title, own[0].kind, page.language
    elif first.source_title:
        title, kind, title_lang = first.source_title, first.source_kind, first.source_language
    else:
        titled = next((row for row in items if row.title), first)
        title, kind, title_lang = titled.title, titled.kind, titled.language
    date_label = (
        lab.format_date(dt.date.fromisoformat(first.date), page.language)
        if first.date
        else page.labels("Undated")
    )
    return DocumentEntry(
        document=first.document,
        date=first.date,
        date_label=date_label,
        title=title or first.document.rsplit("/", 1)[-1],
        title_lang=lab.language_tag(title_lang or page.language),
        kind=kind,
        link=_main_link(items, page),
        languages=languages,
    )


def _main_link(items: list[ManifestRow], page: _Page) -> str:
    """The document's web page in the page's language, else its first web page, else ""."""
    pages = [row for row in items if row.format == "html"]
    pages.sort(key=lambda row: row.language != page.language)
    return _href(pages[0].path, page) if pages else ""


def _href(path: str, page: _Page) -> str:
    return quote(page.prefix + path, safe="/")


def _language(code: str, files: list[ManifestRow], page: _Page) -> LanguageEntry:
    """A document's versions in one language; the newest file speaks for the review state."""
    newest = max(files, key=lambda row: row.published_at)
    ratio = newest.reviewed_ratio
    order = list(FORMAT_NAMES)
    links = []
    for row in sorted(files, key=lambda r: order.index(r.format) if r.format in order else 99):
        if row.format not in FORMAT_NAMES:
            continue
        note = ""
        if abs(row.reviewed_ratio - ratio) > 1e-9:
            note = lab.format_percent(row.reviewed_ratio, page.language)
        links.append(
            FileLink(page.labels(FORMAT_NAMES[row.format], "format"), _href(row.path, page), note)
        )
    published = ""
    if newest.published_at:
        moment = dt.datetime.fromisoformat(newest.published_at.replace("Z", "+00:00"))
        published = page.labels(
            "Published {datetime}", datetime=lab.format_timestamp(moment, page.language)
        )
    return LanguageEntry(
        code=code,
        tag=lab.language_tag(code),
        name=lab.language_name(code, page.language),
        reviewed_ratio=ratio,
        reviewed=lab.format_percent(ratio, page.language),
        state=review_state(ratio),
        published_at=newest.published_at,
        published=published,
        files=links,
    )


def render_index(
    manifest: PublishedManifest,
    language: str,
    options: PublishOptions,
    only_language: bool = False,
) -> Iterator[str]:
    """An index page's HTML as chunks rendered while the manifest is read (Jinja's
    ``generate``): an index of 50,000 documents is never held in memory whole.

    ``language`` is the page's language; ``only_language`` makes it the page
    ``<output>/<language>/index.html`` listing that language's versions only.
    """
    from pipeline.publish.html import environment

    labels = lab.Labels(language)
    page = _Page(language, "../" if only_language else "", labels)
    scope = language if only_language else None
    documents, pairs = manifest.counts(scope, options.threshold)
    languages = manifest.languages()
    template = environment().get_template("index.html.j2")
    return _buffered(
        template.generate(
            rows=_rendered_rows(manifest, page, scope, options.threshold),
            document_count=documents,
            entry_count=pairs,
            languages=[(code, lab.language_name(code, language)) for code in languages],
            index_links=_index_links(languages, language, only_language),
            only_language=only_language,
            page_language_name=lab.language_name(language, language),
            labels=labels,
            states=[(state, labels(STATE_LABELS[state])) for state in STATES],
            lang=lab.language_tag(language),
            dir=lab.text_direction(language),
        )
    )


def _buffered(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Jinja's many small chunks joined into pieces of about ``size`` characters."""
    buffer: list[str] = []
    length = 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _index_links(
    languages: list[str], current: str, only_language: bool
) -> list[tuple[str, str, str, bool]]:
    """(label, href, lang tag, is this page) of the other index pages: every language's
    own page, named in its own language, and (from those) the all-languages page."""
    prefix = "../" if only_language else ""
    links = []
    for code in languages:
        this = only_language and code == current
        href = quote(f"{prefix}{code}/index.html", safe="/")
        links.append((lab.language_name(code, code), href, lab.language_tag(code), this))
    return links
