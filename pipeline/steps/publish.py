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
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pipeline.errors import QualityGateError
from pipeline.gettext import catalog, states
from pipeline.gettext.states import Origin
from pipeline.mt.confidence import confidence
from pipeline.steps.facts import CatalogFacts
from pipeline.steps.job import Job, segment_document
from pipeline.text.document import (
    Block,
    Document,
    Segment,
    Status,
    TermMark,
    TranslatedBlock,
    TranslatedDocument,
    TranslatedSegment,
)

if TYPE_CHECKING:
    import polib

    from pipeline.publish import PublishedFile, PublishOptions
    from pipeline.publish.manifest import PublishedManifest
    from pipeline.terms import Glossary, TermSpan


def translated_document(
    document: Document,
    po: polib.POFile | None,
    facts: CatalogFacts,
    glossary: Glossary | None = None,
    segmented: list[tuple[Block, list[Segment]]] | None = None,
) -> TranslatedDocument:
    """Pair each sentence with its published text (see :func:`published_text`), the
    machine translation's confidence, and the glossary terms of both sides.
    ``segmented``: the document's blocks and sentences when already known."""
    entries = (
        {e.msgid: e for e in po if not e.obsolete and e.msgctxt is None and not e.msgid_plural}
        if po is not None
        else {}
    )
    blocks = []
    for block, segments in segmented if segmented is not None else segment_document(document):
        translated = []
        for index, segment in enumerate(segments):
            end = segments[index + 1].start if index + 1 < len(segments) else len(block.text)
            separator = block.text[segment.end : end]
            published = published_text(entries.get(segment.text), segment.text, facts)
            translated.append(
                TranslatedSegment(
                    segment.text,
                    published.text,
                    published.status,
                    separator,
                    *_term_marks(glossary, segment.text, published, facts.language),
                    confidence=published.confidence,
                )
            )
        blocks.append(TranslatedBlock(block, translated))
    return TranslatedDocument(document, facts.language, blocks)


class PublishedText(NamedTuple):
    """What is published for one sentence: the text, what it is, and for a machine
    translation the model's confidence (0–1; None when unknown)."""

    text: str
    status: Status
    confidence: float | None = None


def published_text(entry: polib.POEntry | None, source: str, facts: CatalogFacts) -> PublishedText:
    """The text published for one sentence, and what it is.

    A person's confirmed translation (reviewed, or an exact memory match) is
    published as reviewed; a machine translation, a person's draft left fuzzy
    and a memory match the team wants re-read are published as not yet
    reviewed. An entry holding a suggestion made for another sentence (an
    edited source, a similar memory sentence) publishes the machine
    translation of *this* sentence from the MT cache; only a sentence with no
    translation of any kind is published in the source language.
    """
    origin = facts.origin(entry) if entry is not None else Origin.UNTRANSLATED
    if entry is not None and not states.needs_machine_text(origin):
        confirmed = not states.is_fuzzy(entry) and origin in (
            Origin.REVIEWED,
            Origin.MEMORY_EXACT,
        )
        if confirmed:
            return PublishedText(entry.msgstr, Status.REVIEWED)
        value = facts.confidence(entry) if origin is Origin.MACHINE else None
        return PublishedText(entry.msgstr, Status.MACHINE, value)
    machine = facts.machine_scored(source)
    if machine is None:
        return PublishedText(source, Status.SOURCE)
    return PublishedText(machine.text, Status.MACHINE, confidence(machine.score))


def _term_marks(
    glossary: Glossary | None, source: str, published: PublishedText, language: str
) -> tuple[tuple[TermMark, ...], tuple[TermMark, ...]]:
    """Glossary terms in the source sentence and, with their approved forms, in its
    published text (the source's own terms where the source itself is published)."""
    if glossary is None:
        return (), ()
    if published.status is Status.SOURCE:
        marks = _marks(glossary.find(source, language))
        return marks, marks
    spans = glossary.spans(source, published.text, language)
    return _marks(spans.source), _marks(spans.target)


def _marks(spans: Iterable[TermSpan]) -> tuple[TermMark, ...]:
    return tuple(TermMark(span.start, span.end, span.title) for span in spans)


def publish(job: Job, options: PublishOptions) -> None:
    """Write every document of the job in every language, then the indexes.

    The language versions of one document are published together, so that
    their pages link to each other (``hreflang``); ``options`` gate which
    documents pass (``min_reviewed``, ``only_reviewed``, ``require_reviewed``).
    """
    from pipeline import publish as writers

    options = with_index_language(options, job.languages)
    if options.require_reviewed:
        _refuse_unreviewed(tdoc for tdocs in _translated_documents(job, False) for tdoc in tdocs)
    job.progress.start("Publishing", sum(len(job.targets(s)) for s in job.active()))
    manifest = None
    try:
        for tdocs in _translated_documents(job, shows_terms(options)):
            files = writers.publish_languages(tdocs, job.project.output_dir, options)
            manifest = record_published(job, manifest, files)
            job.progress.advance(len(tdocs))
    finally:
        job.progress.finish()
        finish_publishing(job, manifest, options)


def record_published(
    job: Job, manifest: PublishedManifest | None, files: Sequence[PublishedFile]
) -> PublishedManifest | None:
    """Record ``files`` in the output manifest (opened on the first files, its notes
    reported) and count them; the manifest, for the next files and
    :func:`finish_publishing`."""
    from pipeline.publish.manifest import PublishedManifest

    if not files:
        return manifest
    if manifest is None:
        manifest = PublishedManifest(job.project.output_dir)
        job.report.notes += manifest.notes
    manifest.record(files)
    job.report.count_published(files)
    return manifest


def with_index_language(options: PublishOptions, languages: Sequence[str]) -> PublishOptions:
    """The options with the index's language set (default: the first target language
    of ``languages``)."""
    if options.index_language is None and languages:
        return dataclasses.replace(options, index_language=languages[0])
    return options


def finish_publishing(
    job: Job, manifest: PublishedManifest | None, options: PublishOptions
) -> None:
    """After the documents: outputs of vanished parts removed, the manifest closed, the
    indexes written (when anything was published, or they are out of date: a page or a
    transcript deleted), and what the user should know."""
    from pipeline import publish as writers

    report = job.report
    if manifest is not None:
        try:
            _remove_stale_part_outputs(manifest, job)
        finally:
            manifest.close()
    if report.source_text:
        shown = ", ".join(f"{doc} {n}" for doc, n in list(report.source_text.items())[:5])
        total = sum(report.source_text.values())
        report.notes.append(
            f"{total} sentence{'s' if total > 1 else ''} published in the source language "
            f"(no translation of any kind yet): {shown}"
        )
    if (
        report.published
        or options.only_reviewed
        or (report.unchanged and writers.index_out_of_date(job.project.output_dir))
    ):
        writers.write_index(job.project.output_dir, options=options, notes=report.notes)


def _remove_stale_part_outputs(manifest: PublishedManifest, job: Job) -> None:
    """Outputs of parts a large file no longer has (it was cut differently, or is no
    longer cut) leave the output directory and the index."""
    files = itertools.groupby(job.sources, key=lambda s: (s.family, s.path))
    for (family, path), group in files:
        if family in job.report.unchanged_files:
            continue  # not built: cut as when it was last built
        manifest.remove_stale_parts(family, {s.name for s in group}, job.languages, path)


def shows_terms(options: PublishOptions) -> bool:
    """Whether a published page shows glossary terms (the bilingual HTML page of the
    review style): the only reason to look them up while publishing."""
    return options.style == "review" and "bilingual-html" in options.formats


def _translated_documents(job: Job, terms: bool) -> Iterator[list[TranslatedDocument]]:
    """One document at a time, in each language: memory does not grow with the archive.
    ``terms``: mark the glossary's terms (when the project has a glossary).

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
                facts = job.catalog_facts(source, language)
                po = loaded.po if loaded else None
                glossary = job.glossary(source) if terms else None
                tdoc = translated_document(document, po, facts, glossary)
                count_source_text(job.report.source_text, tdoc)
                translated.append(tdoc)
        if translated:
            yield translated


def count_source_text(source_text: dict[str, int], tdoc: TranslatedDocument) -> None:
    """Sentences published in the source language (no translation of any kind), into
    ``source_text`` under "document [language]"."""
    untranslated = tdoc.count(Status.SOURCE)
    if untranslated:
        source_text[f"{tdoc.document.name} [{tdoc.target_language}]"] = untranslated


def _refuse_unreviewed(documents: Iterable[TranslatedDocument]) -> None:
    missing = [
        f"{d.document.name} [{d.target_language}]: "
        f"{d.count(Status.MACHINE) + d.count(Status.SOURCE)} not reviewed"
        for d in documents
        if d.reviewed_ratio < 1.0
    ]
    if missing:
        raise QualityGateError("--require-reviewed: " + "; ".join(missing))
