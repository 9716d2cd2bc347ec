"""Review: where reviewers should start (the queue) and what they changed (the report).

* :func:`review_queue` (``pipeline review-queue``) lists the machine translations
  no one has reviewed yet, least confident first, each with its ``file:line``,
  so a reviewer starts where the model was unsure. The confidence is the one
  the fill record kept when the tool wrote the entry, else its comment's
  (:meth:`pipeline.steps.facts.CatalogFacts.confidence`).
* :func:`review_report` (``pipeline report``) compares every reviewed entry that
  started as a machine translation with the machine output kept in the MT cache
  (:mod:`pipeline.reports`), and can write the report as one HTML page.

Both only read the catalogs (the HTML page is the one file written).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UserError
from pipeline.gettext import catalog
from pipeline.gettext.states import Origin
from pipeline.project import Project
from pipeline.steps.facts import CatalogFacts, Facts
from pipeline.steps.status import discover_catalogs

if TYPE_CHECKING:
    import polib

    from pipeline.reports import ReviewReport


def _catalogs(
    project: Project, languages: Sequence[str], facts: Facts, problems: list[str]
) -> Iterator[tuple[str, Path, polib.POFile, CatalogFacts]]:
    """(document, path, catalog, its facts) of every readable PO file of ``languages``; a file
    that cannot be read is listed in ``problems`` instead of stopping the others."""
    for name, language, path in discover_catalogs(project, languages):
        try:
            loaded = catalog.load_catalog(path, language)
        except UserError as error:
            problems.append(str(error))
            continue
        if loaded is None:
            continue
        yield name, path, loaded.po, facts.catalog_of(name, loaded.po, language)


# ---------------------------------------------------------------------------
# The queue


@dataclass(frozen=True)
class QueueEntry:
    """An unreviewed machine translation, and how sure the model was of it."""

    document: str
    language: str
    po_path: str
    po_line: int  # where the entry starts
    source_ref: str  # "speech.txt:31"
    msgid: str
    msgstr: str
    confidence: float | None  # 0–1; None when unknown

    @property
    def location(self) -> str:
        """``translations/fr/speech.po:254``, as compilers and editors write places."""
        return f"{self.po_path}:{self.po_line}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewQueue:
    """The least confident unreviewed machine translations first (at most ``limit``);
    ``total`` counts them all, ``unknown`` those whose confidence is not known (last)."""

    entries: list[QueueEntry]
    total: int = 0
    unknown: int = 0
    problems: list[str] = field(default_factory=list)  # catalogs that could not be read

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": [entry.to_dict() for entry in self.entries],
            "total": self.total,
            "unknown": self.unknown,
            "problems": list(self.problems),
        }


def review_queue(
    project: Project, languages: Sequence[str] = (), limit: int | None = None
) -> ReviewQueue:
    """The unreviewed machine translations of ``languages`` (all by default), least
    confident first, then those of unknown confidence; ties in file and line order.

    With ``limit`` only that many are kept while reading, so memory does not grow
    with the archive.
    """
    if limit is not None and limit < 1:
        raise UserError(f"--limit {limit}: expected a number ≥ 1")
    problems: list[str] = []
    counts = {"total": 0, "unknown": 0}
    with Facts(project, read_only=True) as facts:
        found = _machine_entries(_catalogs(project, languages, facts, problems), counts)
        if limit is None:
            entries = sorted(found, key=_queue_order)
        else:
            entries = heapq.nsmallest(limit, found, key=_queue_order)
    return ReviewQueue(entries, counts["total"], counts["unknown"], problems)


def _machine_entries(
    catalogs: Iterator[tuple[str, Path, polib.POFile, CatalogFacts]], counts: dict[str, int]
) -> Iterator[QueueEntry]:
    """Every unreviewed machine translation (``counts`` keeps the totals)."""
    from pipeline.qa.catalogs import source_ref

    for name, path, po, facts in catalogs:
        for entry, origin in facts.origins(po):
            if origin is not Origin.MACHINE:
                continue
            value = facts.confidence(entry)
            counts["total"] += 1
            counts["unknown"] += value is None
            yield QueueEntry(
                name,
                facts.language,
                str(path),
                entry.linenum,
                source_ref(entry),
                entry.msgid,
                entry.msgstr,
                value,
            )


def _queue_order(entry: QueueEntry) -> tuple[bool, float, str, int]:
    unknown = entry.confidence is None
    return unknown, entry.confidence or 0.0, entry.po_path, entry.po_line


# ---------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class ReviewReportResult:
    """The review report of the project's catalogs, and what it could not count.

    ``missing``: reviewed machine translations whose machine output is no longer in
    the MT cache (cache deleted, model removed), left out of the numbers.
    ``html``: the page written, if one was asked for.
    """

    report: ReviewReport
    catalogs: int = 0
    missing: int = 0
    problems: list[str] = field(default_factory=list)
    html: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.report.to_dict(),
            "catalogs": self.catalogs,
            "missing": self.missing,
            "problems": list(self.problems),
        }


def review_report(
    project: Project,
    languages: Sequence[str] = (),
    *,
    html: Path | None = None,
    page_language: str = "en",
) -> ReviewReportResult:
    """What reviewers changed in the machine translations of ``languages`` (all by
    default); with ``html``, the report page is written there (atomically, in
    ``page_language``)."""
    from pipeline.mt.cache import CACHE_FILE
    from pipeline.reports import CollectedRecords, build_report, records_from_catalog

    cache_path = project.translations_dir / CACHE_FILE
    collected = CollectedRecords([])
    problems: list[str] = []
    read = 0
    with Facts(project, read_only=True) as facts:
        for name, _, po, catalog_facts in _catalogs(project, languages, facts, problems):
            read += 1
            collected.extend(
                records_from_catalog(
                    po,
                    name,
                    catalog_facts.language,
                    cache_path,
                    catalog_facts.source_language,
                    fill_of=catalog_facts.fill,
                )
            )
    report = build_report(collected.records)
    written = None
    if html is not None:
        written = str(write_report_page(report, Path(html), page_language))
    return ReviewReportResult(report, read, collected.missing, problems, written)


def write_report_page(report: ReviewReport, path: Path, language: str) -> Path:
    """Write the report's HTML page to ``path`` (atomically; unchanged bytes are left)."""
    from pipeline.fsutil import write_if_changed
    from pipeline.reports import render_report_html

    if path.is_dir():
        raise UserError(f"--html {path}: is a directory, expected a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(path, render_report_html(report, language))
    except OSError as error:
        raise UserError(f"--html {path}: cannot write ({error.strerror or error})") from None
    return path
