"""Publish: translated and bilingual documents from the PO files, then the index.

Each sentence is published with the best text there is — a translator's
reviewed text, else the machine translation, else the source sentence — and
each document records how much of it a person reviewed. One document and
language is in memory at a time, so an archive publishes in flat memory.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipeline.errors import QualityGateError
from pipeline.gettext import catalog, states
from pipeline.steps.job import Job, segment_document
from pipeline.text.document import (
    Document,
    Status,
    TranslatedBlock,
    TranslatedDocument,
    TranslatedSegment,
)

if TYPE_CHECKING:
    import polib

    from pipeline.publish import PublishOptions
    from pipeline.publish.manifest import PublishedManifest


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
    """Write every document of the job in every language, then the indexes.

    The language versions of one document are published together, so that
    their pages link to each other (``hreflang``); ``options`` gate which
    documents pass (``min_reviewed``, ``only_reviewed``, ``require_reviewed``).
    """
    from pipeline import publish as writers
    from pipeline.publish.manifest import PublishedManifest

    if options.index_language is None and job.languages:
        options = dataclasses.replace(options, index_language=job.languages[0])
    project, report = job.project, job.report
    if options.require_reviewed:
        _refuse_unreviewed(tdoc for tdocs in _translated_documents(job) for tdoc in tdocs)
    job.progress.start("Publishing", sum(len(job.targets(s)) for s in job.active()))
    manifest = None
    try:
        for tdocs in _translated_documents(job):
            files = writers.publish_languages(tdocs, project.output_dir, options)
            if files:
                if manifest is None:
                    manifest = PublishedManifest(project.output_dir)
                    report.notes += manifest.notes
                manifest.record(files)
                report.count_published(files)
            job.progress.advance(len(tdocs))
        if manifest is not None:
            _remove_stale_part_outputs(manifest, job)
    finally:
        if manifest is not None:
            manifest.close()
    job.progress.finish()
    if report.published or options.only_reviewed:
        writers.write_index(project.output_dir, options=options, notes=report.notes)


def _remove_stale_part_outputs(manifest: PublishedManifest, job: Job) -> None:
    """Outputs of parts a large file no longer has (it was cut differently, or is no
    longer cut) leave the output directory and the index."""
    files = itertools.groupby(job.sources, key=lambda s: (s.family, s.path))
    for (family, path), group in files:
        manifest.remove_stale_parts(family, {s.name for s in group}, job.languages, path)


def _translated_documents(job: Job) -> Iterator[list[TranslatedDocument]]:
    """One document at a time, in each language: memory does not grow with the archive.

    A document whose transcript or catalog cannot be read is skipped (and
    reported); its published files are left as they were.
    """
    for source in job.active():
        translated = []
        with job.document(source, "catalog"):
            document = job.load(source)
            document.source_path = os.path.abspath(source.path)  # the index's link to it
            for language in job.targets(source):
                po_path = job.project.catalog_path(language, document.name)
                loaded = catalog.load_catalog(po_path, language)
                translated.append(
                    translated_document(document, loaded.po if loaded else None, language)
                )
        if translated:
            yield translated


def _refuse_unreviewed(documents: Iterable[TranslatedDocument]) -> None:
    missing = [
        f"{d.document.name} [{d.target_language}]: "
        f"{d.count(Status.MACHINE) + d.count(Status.SOURCE)} not reviewed"
        for d in documents
        if d.reviewed_ratio < 1.0
    ]
    if missing:
        raise QualityGateError("--require-reviewed: " + "; ".join(missing))
