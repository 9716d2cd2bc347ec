"""``output/index.html``: every published document and language, its review share and files.

The page is rendered from the published-files manifest
(:mod:`pipeline.publish.manifest`) row by row.

Links are relative (and percent-encoded) so the output directory can be
moved, served or zipped as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from pipeline.publish.manifest import PublishedManifest

FORMAT_NAMES = {
    "txt": "Text",
    "md": "Markdown",
    "html": "Web page",
    "docx": "Word",
    "bilingual-html": "Bilingual page",
    "bilingual-md": "Bilingual Markdown",
    "tmx": "TMX",
    "xliff": "XLIFF",
}

MONOLINGUAL = ("txt", "md", "html", "docx")


@dataclass
class Entry:
    """One document in one language, with its files."""

    document: str
    language: str
    language_name: str
    reviewed_ratio: float
    reviewed: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (format name, href)
    bilingual_files: list[tuple[str, str]] = field(default_factory=list)


def entries(rows: Iterable) -> Iterator[Entry]:
    """Rows ordered by (document, language) grouped into index entries, one at a time.

    ``rows`` are :class:`~pipeline.publish.manifest.ManifestRow` items (paths
    relative to the output directory); formats are listed in canonical order.
    """
    for (document, language), group in itertools.groupby(
        rows, key=lambda row: (row.document, row.language)
    ):
        yield _entry(document, language, list(group))


def _entry(document: str, language: str, items: list) -> Entry:
    """One index row: the files of ``document`` in ``language``, with its review share."""
    from pipeline.publish import FORMATS
    from pipeline.publish import labels as lab

    ratio = items[-1].reviewed_ratio
    files = sorted(
        {(item.format, quote(item.path, safe="/")) for item in items if item.format in FORMATS},
        key=lambda f: FORMATS.index(f[0]),
    )
    return Entry(
        document,
        lab.language_tag(language),
        lab.language_name(language, "en"),
        ratio,
        lab.format_percent(ratio, "en"),
        [(FORMAT_NAMES[fmt], href) for fmt, href in files if fmt in MONOLINGUAL],
        [(FORMAT_NAMES[fmt], href) for fmt, href in files if fmt not in MONOLINGUAL],
    )


def render_index(manifest: PublishedManifest) -> Iterator[str]:
    """The index page's HTML, as chunks rendered while the manifest is read (Jinja's
    ``generate``): an index of 50,000 documents is never held in memory whole."""
    from pipeline.publish.html import environment

    documents, pairs = manifest.counts()
    template = environment().get_template("index.html.j2")
    return template.generate(
        entries=entries(manifest.rows()),
        document_count=documents,
        entry_count=pairs,
        lang="en",
        dir="ltr",
    )
