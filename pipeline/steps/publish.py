"""Publish: translated and bilingual documents from the PO files, then the index.

Each sentence is published with the best text there is — a translator's
reviewed text, else the machine translation, else the source sentence — and
each document records how much of it a person reviewed. One document and
language is in memory at a time, so an archive publishes in flat memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.errors import QualityGateError
from pipeline.gettext import catalog, states
from pipeline.steps.job import Job, load_document, segment_document
from pipeline.text.document import (
    Document,
    Status,
    TranslatedBlock,
    TranslatedDocument,
    TranslatedSegment,
)

if TYPE_CHECKING:
    import polib

    from pipeline.publish.manifest import PublishedManifest


@dataclass(frozen=True)
class PublishOptions:
    """What to publish and when to refuse.

    ``require_reviewed`` refuses to publish unless every entry is reviewed;
    ``min_reviewed`` (percent) skips documents less reviewed than that, as
    po4a's ``--keep`` does; ``tmx_include_machine`` adds machine translations
    (marked as such) to TMX files.
    """

    formats: tuple[str, ...] | None = None  # None: the default formats
    require_reviewed: bool = False
    min_reviewed: float = 0.0
    tmx_include_machine: bool = False


def translated_document(
    document: Document, po: polib.POFile | None, target_language: str
) -> TranslatedDocument:
    """Pair each sentence with its published text: reviewed > machine > source."""
    entries = {e.msgid: e for e in po if not e.obsolete} if po is not None else {}
    blocks = []
    for block, segments in segment_document(document):
        translated = []
        for index, segment in enumerate(segments):
            end = segments[index + 1].start if index + 1 < len(segments) else len(block.text)
            separator = block.text[segment.end : end]
            target, status = _published_text(entries.get(segment.text), segment.text)
            translated.append(TranslatedSegment(segment.text, target, status, separator))
        blocks.append(TranslatedBlock(block, translated))
    return TranslatedDocument(document, target_language, blocks)


def _published_text(entry: polib.POEntry | None, source: str) -> tuple[str, Status]:
    if entry is None:
        return source, Status.SOURCE
    state = states.entry_state(entry)
    if state is states.EntryState.REVIEWED:
        return entry.msgstr, Status.REVIEWED
    if state is states.EntryState.MACHINE:
        return entry.msgstr, Status.MACHINE
    return source, Status.SOURCE


def publish(job: Job, options: PublishOptions) -> None:
    """Write every document of the job in every language, then ``output/index.html``."""
    from pipeline import publish as writers
    from pipeline.publish.manifest import PublishedManifest

    formats = writers.check_formats(options.formats or writers.DEFAULT_FORMATS)
    project, report = job.project, job.report
    if options.require_reviewed:
        _refuse_unreviewed(_translated_documents(job))
    job.progress.start("Publishing", len(job.active()) * len(job.languages))
    manifest = None
    try:
        for tdoc in _translated_documents(job):
            if tdoc.reviewed_ratio * 100 + 1e-9 >= options.min_reviewed:
                files = writers.publish_document(
                    tdoc,
                    project.output_dir,
                    formats,
                    include_machine_in_tmx=options.tmx_include_machine,
                )
                manifest = manifest or PublishedManifest(project.output_dir)
                manifest.record(files)
                report.count_published(files)
            job.progress.advance()
        if manifest is not None:
            _remove_stale_part_outputs(manifest, job)
    finally:
        if manifest is not None:
            manifest.close()
    job.progress.finish()
    if report.published:
        writers.write_index(project.output_dir)


def _remove_stale_part_outputs(manifest: PublishedManifest, job: Job) -> None:
    """Outputs of parts a large file no longer has (it was cut differently, or is no
    longer cut) leave the output directory and the index."""
    for family, group in itertools.groupby(job.sources, key=lambda s: s.family):
        manifest.remove_stale_parts(family, {s.name for s in group}, job.languages)


def _translated_documents(job: Job) -> Iterator[TranslatedDocument]:
    """One document and language at a time: memory does not grow with the archive.

    A document whose transcript or catalog cannot be read is skipped (and
    reported); its published files are left as they were.
    """
    for source in job.active():
        translated = []
        with job.document(source, "catalog"):
            document = load_document(source, job.project)
            for language in job.languages:
                po_path = job.project.catalog_path(language, document.name)
                loaded = catalog.load_catalog(po_path, language)
                translated.append(
                    translated_document(document, loaded.po if loaded else None, language)
                )
        yield from translated


def _refuse_unreviewed(documents: Iterable[TranslatedDocument]) -> None:
    missing = [
        f"{d.document.name} [{d.target_language}]: "
        f"{d.count(Status.MACHINE) + d.count(Status.SOURCE)} not reviewed"
        for d in documents
        if d.reviewed_ratio < 1.0
    ]
    if missing:
        raise QualityGateError("--require-reviewed: " + "; ".join(missing))


def check_formats(formats: Sequence[str] | None) -> list[str]:
    """The requested formats, checked (UserError naming the valid ones), or the defaults."""
    from pipeline import publish as writers

    return writers.check_formats(formats or writers.DEFAULT_FORMATS)
