"""``output/index.html``: every published document and language, its review share and files.

Links are relative (and percent-encoded) so the output directory can be
moved, served or zipped as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

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


def _href(path: Path, output_dir: Path) -> str:
    """Relative, percent-encoded link from the index to ``path``."""
    relative = os.path.relpath(Path(path).resolve(), Path(output_dir).resolve())
    return quote(Path(relative).as_posix(), safe="/")


def entries(output_dir: Path, published: Sequence) -> list[Entry]:
    """Published files grouped by (document, language), sorted, formats in canonical order."""
    from pipeline.publish import FORMATS
    from pipeline.publish import labels as lab

    grouped: dict[tuple[str, str], Entry] = {}
    for item in published:
        key = (item.document, item.language)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = Entry(
                item.document,
                lab.language_tag(item.language),
                lab.language_name(item.language, "en"),
                item.reviewed_ratio,
                lab.format_percent(item.reviewed_ratio, "en"),
            )
        entry.files.append((item.format, _href(item.path, output_dir)))
    for entry in grouped.values():
        files = sorted(set(entry.files), key=lambda f: FORMATS.index(f[0]))
        entry.files = [(FORMAT_NAMES[fmt], href) for fmt, href in files if fmt in MONOLINGUAL]
        entry.bilingual_files = [
            (FORMAT_NAMES[fmt], href) for fmt, href in files if fmt not in MONOLINGUAL
        ]
    return [grouped[key] for key in sorted(grouped)]


def render_index(output_dir: Path, published: Sequence) -> str:
    """The index page's HTML."""
    from pipeline.publish.html import environment

    items = entries(output_dir, published)
    documents = sorted({entry.document for entry in items})
    return (
        environment()
        .get_template("index.html.j2")
        .render(entries=items, documents=documents, lang="en", dir="ltr")
    )
