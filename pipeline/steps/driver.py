"""The run's driver: every document through both passes, machine translation in between.

:func:`process` is what ``extract``, ``translate`` and ``run`` do. It leaves
alone the files whose inputs have not changed since they were last built
(:mod:`pipeline.steps.incremental`), hands each other file (all the parts of
a large one together) to :func:`pipeline.steps.documents.prepare`, translates
the distinct pending sentences of all of them per language pair (cache
first), hands the files set aside to :func:`pipeline.steps.documents.finish`
— both passes in worker processes with ``--jobs`` (:mod:`pipeline.steps.pool`)
— and records what the documents report: the main process is the single
writer of the fill record, the translation memory, the published-files
manifest and the build state.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.steps.documents import Outcome, Pair, Settings
from pipeline.steps.pool import Workers, worker_count

if TYPE_CHECKING:
    from pipeline.memory import TranslationMemory
    from pipeline.mt.engine import Route
    from pipeline.mt.pending import PendingSentences
    from pipeline.publish import PublishOptions
    from pipeline.publish.manifest import PublishedManifest
    from pipeline.steps.incremental import Stages
    from pipeline.steps.job import Job
    from pipeline.steps.sources import Source


@dataclass
class _Recorder:
    """The main process's side: what the documents report, recorded and counted."""

    job: Job
    memory: TranslationMemory | None = None
    manifest: PublishedManifest | None = None
    publishing: PublishOptions | None = None
    stages: Stages | None = None
    synced: Path | None = None  # catalogs written, for the memory at the end of the run

    def record(self, outcome: Outcome, pending: dict[Pair, PendingSentences]) -> None:
        report = self.job.report
        if outcome.fills:
            self.job.facts.fills.record(outcome.fills)
        report.written.update(outcome.written)
        report.problems += outcome.problems
        self.job.failed.update(outcome.failed)
        report.notes += outcome.notes
        report.memory.merge(outcome.memory)
        report.suggestions += outcome.suggestions
        report.source_text.update(outcome.source_text)
        report.notes += [
            f"{path}: no part of the transcript uses this catalog any more (its translations "
            "were carried over); delete it when you no longer need it"
            for path in outcome.stale
        ]
        for pair, sentences in outcome.pending.items():
            pending[pair].add(sentences)
        self._published(outcome)
        self._count(outcome)
        self._keep_for_memory(outcome)
        self._built(outcome)

    def _count(self, outcome: Outcome) -> None:
        """The file's own counts, for the per-document results of ``--json``."""
        from pipeline.steps.report import DocumentCounts

        counts = self.job.report.by_document.setdefault(outcome.family, DocumentCounts())
        for (_, language), sentences in outcome.pending.items():
            counts.add(counts.machine, language, len(sentences))
        for found in (outcome.memory.exact, outcome.memory.fuzzy):
            for language, count in found.items():
                counts.add(counts.memory, language, count)
        counts.files_written += len(outcome.written)
        counts.files_written += sum(1 for published in outcome.published if published.written)

    def _published(self, outcome: Outcome) -> None:
        from pipeline.steps.publish import record_published

        self.manifest = record_published(self.job, self.manifest, outcome.published)

    def _built(self, outcome: Outcome) -> None:
        from pipeline.steps import incremental

        if outcome.failed:  # a part of the file failed: build all of it again next time
            self.job.state.forget(outcome.family)
        if outcome.built is not None and self.stages is not None:
            incremental.record(self.job, outcome.built, self.stages)

    def _keep_for_memory(self, outcome: Outcome) -> None:
        """Set the catalogs written aside, to sync into the memory once the run is done:
        every document of a run is filled from the memory as the run found it."""
        if self.memory is None or not outcome.synced or self.synced is None:
            return
        with self.synced.open("ab") as stream:  # scratch data: no fsync
            for item in outcome.synced:
                pickle.dump(item, stream, protocol=pickle.HIGHEST_PROTOCOL)

    def sync_memory(self) -> None:
        """Sync the catalogs this run wrote into the memory (see :meth:`_keep_for_memory`)."""
        from pipeline.memory import MemoryCorrupt, sync_catalog

        if self.memory is None or self.synced is None or not self.synced.exists():
            return
        with self.synced.open("rb") as stream:
            while True:
                try:
                    item = pickle.load(stream)
                except EOFError:
                    return
                try:
                    sync_catalog(
                        self.memory,
                        item.name,
                        item.source_language,
                        item.language,
                        item.entries,
                        item.fingerprint,
                    )
                except MemoryCorrupt as error:
                    self.job.report.notes.append(f"{error}; run `pipeline memory rebuild`")
                    return


def process(
    job: Job,
    routes: dict[Pair, Route] | None = None,
    *,
    retranslate_machine: bool = False,
    publishing: PublishOptions | None = None,
) -> None:
    """Build every document of the job whose inputs changed (see
    :mod:`pipeline.steps.incremental`): extract; with ``routes``, fill from the memory
    and machine-translate; with ``publishing``, publish each document as it is finished."""
    from pipeline.mt.pending import PendingSentences
    from pipeline.steps import incremental
    from pipeline.steps import memory as tm
    from pipeline.steps.publish import with_index_language

    translating = routes is not None
    if publishing is not None:
        publishing = with_index_language(publishing, job.languages)
    recorder = _Recorder(job, tm.open_for(job) if translating else None, None, publishing)
    if recorder.memory is not None:
        tm.sync(job, recorder.memory)
    recorder.stages = incremental.stages(
        job, routes, publishing, recorder.memory, build_all=retranslate_machine
    )
    work = incremental.plan(job, recorder.stages, list(families(job)))
    for group in work.unchanged:
        incremental.unchanged_file(job, group)
    with contextlib.ExitStack() as stack:
        stack.callback(job.state.close)
        stash_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pipeline-stash-")))
        recorder.synced = stash_dir / "synced.pickle"
        settings = _settings(job, translating, retranslate_machine, publishing, recorder, stash_dir)
        pending = {pair: stack.enter_context(PendingSentences()) for pair in (routes or {})}
        count = worker_count(job.project.jobs, len(work.build))
        workers = stack.enter_context(Workers(settings, count))
        stashes = _first_pass(job, workers, recorder, pending, work.build)
        if translating:
            _machine_translate(job, routes or {}, pending)
            _second_pass(job, workers, recorder, stashes, routes or {}, pending)
        recorder.sync_memory()
    job.report.notes += job.state.notes
    _finish(job, recorder)


def _settings(
    job: Job,
    translating: bool,
    retranslate_machine: bool,
    publishing: PublishOptions | None,
    recorder: _Recorder,
    stash_dir: Path,
) -> Settings:
    return Settings(
        project=job.project,
        languages=tuple(job.languages),
        source_languages=dict(job.source_languages),
        translate=translating,
        retranslate_machine=retranslate_machine,
        publishing=publishing,
        use_memory=recorder.memory is not None,
        stash_dir=stash_dir,
        fail_fast=job.fail_fast,
    )


def families(job: Job) -> Iterator[list[Source]]:
    """The job's active sources, the parts of a large file together, in order."""
    for _, group in itertools.groupby(job.active(), key=lambda s: (s.path, s.family)):
        yield list(group)


def _first_pass(
    job: Job,
    workers: Workers,
    recorder: _Recorder,
    pending: dict[Pair, PendingSentences],
    groups: list[list[Source]],
) -> list[Path]:
    stashes = []
    job.progress.start("Extracting", sum(len(group) for group in groups))
    for group, outcome in zip(groups, workers.prepare(groups), strict=True):
        recorder.record(outcome, pending)
        if outcome.stash is not None:
            stashes.append(outcome.stash)
        job.progress.advance(len(group))
    job.progress.finish()
    return stashes


def _machine_translate(
    job: Job, routes: dict[Pair, Route], pending: dict[Pair, PendingSentences]
) -> None:
    from pipeline.mt.batch import translate_pending
    from pipeline.steps.translate import batch_settings

    report = job.report
    for pair, sentences in pending.items():
        if not len(sentences):
            continue
        counts = translate_pending(
            sentences, routes[pair], batch_settings(job.project, pair), job.progress
        )
        language = pair[1]
        report.from_cache[language] = report.from_cache.get(language, 0) + counts.from_cache
        report.translated[language] = report.translated.get(language, 0) + counts.translated
        report.notes += counts.notes


def _second_pass(
    job: Job,
    workers: Workers,
    recorder: _Recorder,
    stashes: list[Path],
    routes: dict[Pair, Route],
    pending: dict[Pair, PendingSentences],
) -> None:
    paths = {pair: sentences.path for pair, sentences in pending.items()}
    labels = {pair: route.label for pair, route in routes.items()}
    job.progress.start("Writing", len(stashes))
    for outcome in workers.finish(stashes, paths, labels):
        recorder.record(outcome, pending)
        job.progress.advance()
    job.progress.finish()


def _finish(job: Job, recorder: _Recorder) -> None:
    """The memory closed, stale outputs removed, the index written; notes for the user."""
    from pipeline.steps import memory as tm
    from pipeline.steps.publish import finish_publishing
    from pipeline.steps.translate import suggestion_note

    if recorder.memory is not None:
        recorder.memory.close()
    job.report.notes += tm.notes(job.report.memory) + suggestion_note(job.report)
    if recorder.publishing is not None:
        finish_publishing(job, recorder.manifest, recorder.publishing)
