"""``run --dry-run``: what a run would do, with nothing written (#14).

The run's own plan (:mod:`pipeline.steps.incremental`) decides which
transcripts are new (never built), changed (something they depend on
changed) or unchanged; for each transcript to build, its sentences are
compared with its catalogs as they are: a sentence without a translation
there is one to translate. Counts per language are of distinct sentences,
as machine translation batches them across the run; the MT cache and the
translation memory may still fill some of them without the model.

Nothing is written: no lock, no catalog, no cache; the translation memory
is read only when it exists, and not synced with the catalogs first (a
catalog a translator saved makes its document "changed" anyway). With
``--retranslate-machine`` every transcript is "changed"; the sentences
counted are still those with no translation at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from pipeline.errors import UserError

if TYPE_CHECKING:
    from pipeline.memory import TranslationMemory
    from pipeline.publish import PublishOptions
    from pipeline.steps.job import Job
    from pipeline.steps.sources import Source


STATUSES = ("new", "changed", "unchanged", "failed")  # of a planned document


@dataclass
class PlannedDocument:
    """One transcript and what the run would do with it."""

    name: str
    path: str
    status: str  # one of STATUSES
    to_translate: dict[str, int] = field(default_factory=dict)  # language -> sentences
    problems: list[str] = field(default_factory=list)


@dataclass
class DryRun:
    """What ``run`` would do: per document, and sentences to translate per language."""

    documents: list[PlannedDocument] = field(default_factory=list)
    to_translate: dict[str, int] = field(default_factory=dict)  # distinct, across the run
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for document in self.documents if document.status == status)

    @property
    def exit_status(self) -> int:
        """2 (partial) when a document would be skipped, as the run would exit; else 0."""
        return 2 if self.count("failed") else 0

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": True,
            "documents": len(self.documents),
            **{status: self.count(status) for status in STATUSES},
            "to_translate": self.to_translate,
            "results": [asdict(document) for document in self.documents],
            "warnings": self.notes,
        }


def plan_run(
    job: Job, routes: dict | None, publishing: PublishOptions | None, retranslate: bool
) -> DryRun:
    """The dry run of ``job`` (prepared: its sources read and checked)."""
    from pipeline.steps import incremental
    from pipeline.steps.driver import families
    from pipeline.steps.publish import with_index_language

    if publishing is not None:
        publishing = with_index_language(publishing, job.languages)
    memory = _existing_memory(job) if routes is not None else None
    try:
        stages = incremental.stages(job, routes, publishing, memory, build_all=retranslate)
        work = incremental.plan(job, stages, list(families(job)))
    finally:
        if memory is not None:
            memory.close()
    result = DryRun(notes=list(job.report.notes))
    wanted: dict[str, set[str]] = {}
    for group in work.build:
        status = "changed" if group[0].family in job.state.records else "new"
        result.documents.append(_planned(job, group, status, wanted))
    result.documents += [_document(group, "unchanged") for group in work.unchanged]
    result.documents += _failed(job)
    order = {source.family: index for index, source in enumerate(job.sources)}
    result.documents.sort(key=lambda document: order.get(document.name, len(order)))
    result.to_translate = {language: len(wanted[language]) for language in sorted(wanted)}
    return result


def _existing_memory(job: Job) -> TranslationMemory | None:
    """The project's memory when it is in use and exists (a dry run creates nothing)."""
    from pipeline.memory import MemoryCorrupt, open_memory
    from pipeline.steps.memory import memory_path

    path = memory_path(job.project)
    if not job.project.memory.enabled or not path.is_file():
        return None
    try:
        return open_memory(path)
    except MemoryCorrupt:
        return None


def _document(group: list[Source], status: str) -> PlannedDocument:
    return PlannedDocument(group[0].family, str(group[0].path), status)


def _planned(
    job: Job, group: list[Source], status: str, wanted: dict[str, set[str]]
) -> PlannedDocument:
    """A transcript to build, with its sentences its catalogs do not translate yet."""
    planned = _document(group, status)
    try:
        for source in group:
            sentences = _sentences(job, source)
            for language in job.targets(source):
                missing = sentences - _translated(job, source, language)
                planned.to_translate[language] = planned.to_translate.get(language, 0) + len(
                    missing
                )
                wanted.setdefault(language, set()).update(missing)
    except UserError as error:
        planned.status = "failed"
        planned.problems.append(" ".join(str(error).split()))
    return planned


def _sentences(job: Job, source: Source) -> set[str]:
    from pipeline.steps.job import segment_document

    document = job.load(source)
    return {segment.text for _, segments in segment_document(document) for segment in segments}


def _translated(job: Job, source: Source, language: str) -> set[str]:
    """The sentences ``source``'s catalog in ``language`` translates now (any state)."""
    from pipeline.gettext.catalog import load_catalog

    loaded = load_catalog(job.project.catalog_path(language, source.name), language)
    if loaded is None:
        return set()
    return {
        entry.msgid
        for entry in loaded.po
        if not entry.obsolete and not entry.msgid_plural and entry.msgstr
    }


def _failed(job: Job) -> list[PlannedDocument]:
    """The transcripts the run would skip, with why."""
    paths = {source.family: str(source.path) for source in job.sources}
    return [
        PlannedDocument(family, paths.get(family, ""), "failed", problems=messages)
        for family, messages in job.report.problems_by_file(paths).items()
    ]
