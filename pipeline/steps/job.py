"""A job: the checked inputs of a step, and the one place inputs are checked and locked.

:func:`prepare` fails before anything is written (a bad language code, an
unreadable transcript, a missing model surfaces before the first catalog is
touched); :func:`locked` holds the translations directory's lock so that two
runs never interleave their writes. :mod:`pipeline.api` calls both once and
hands the steps a :class:`Job`.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.fsutil import file_lock
from pipeline.project import Project
from pipeline.steps.facts import CatalogFacts, Facts
from pipeline.steps.progress import Progress
from pipeline.steps.report import Problem, RunReport
from pipeline.steps.sources import Source, check_name, split_large_sources
from pipeline.steps.state import BuildState
from pipeline.text.document import Block, Document, Segment
from pipeline.text.segment import SegmentMemo

if TYPE_CHECKING:
    from pipeline.steps.terms import Glossaries
    from pipeline.terms import Glossary


@dataclass
class Job:
    """What a step works on: checked sources (large files split), target languages,
    where to report progress and results.

    A document whose input is unusable (an unreadable transcript, a broken PO
    file) is skipped for the rest of the job and its problem reported, so one
    bad file does not stop a nightly batch; with ``fail_fast`` the first
    problem stops the job instead.
    """

    project: Project
    sources: list[Source]
    languages: list[str]
    progress: Progress = field(default_factory=Progress)
    report: RunReport = field(default_factory=RunReport)
    fail_fast: bool = False
    failed: set[str] = field(default_factory=set)  # names of the documents skipped
    source_languages: dict[str, str] = field(default_factory=dict)  # by file (family)
    _facts: Facts | None = field(default=None, repr=False)
    _glossaries: Glossaries | None = field(default=None, repr=False)
    state: BuildState = field(default=None, repr=False)  # type: ignore[assignment]
    unchanged_sources: set[str] = field(default_factory=set)  # families read as last time
    reading: str = ""  # fingerprint of the settings sources are read with (incremental)

    def __post_init__(self) -> None:
        if self.state is None:
            self.state = BuildState(self.project.translations_dir)  # nothing recorded

    @property
    def facts(self) -> Facts:
        """The fill record and MT cache, open for the job (closed by :func:`locked`)."""
        if self._facts is None:
            self._facts = Facts(self.project)
        return self._facts

    def glossary(self, source: Source) -> Glossary | None:
        """The glossary for ``source``'s language, loaded once per job; None when the
        project has none (then nothing is spent on terms)."""
        if self._glossaries is None:
            from pipeline.steps.terms import Glossaries

            self._glossaries = Glossaries(self.project)
        return self._glossaries.get(self.language_of(source))

    def catalog_facts(self, source: Source, language: str) -> CatalogFacts:
        """What is known about the origins of ``source``'s catalog in ``language``."""
        return self.facts.catalog(source.name, self.language_of(source), language)

    def active(self) -> list[Source]:
        """The sources still in the job (not skipped after a problem)."""
        return [source for source in self.sources if source.name not in self.failed]

    def language_of(self, source: Source) -> str:
        """The language ``source`` is written in (decided once, in :func:`prepare`)."""
        return self.source_languages.get(source.family, self.project.source_language)

    def targets(self, source: Source) -> list[str]:
        """The job's target languages ``source`` goes into (all but its own)."""
        from pipeline.steps.languages import targets

        return targets(self.language_of(source), self.languages)

    def pairs(self) -> set[tuple[str, str]]:
        """Every (source language, target language) the active documents need."""
        return {
            (self.language_of(source), target)
            for source in self.active()
            for target in self.targets(source)
        }

    def load(self, source: Source) -> Document:
        """Read and parse one source (or one part of a large one) in its language."""
        return load_document(source, self.project, self.language_of(source))

    @contextlib.contextmanager
    def document(self, source: Source, kind: str) -> Iterator[None]:
        """Work on one document: a UserError inside skips it (and is reported) instead of
        stopping the job, unless ``fail_fast``."""
        try:
            yield
        except UserError as error:
            if self.fail_fast:
                raise
            self.skip(source, error, kind)

    def skip(self, source: Source, error: UserError, kind: str) -> None:
        """Leave ``source`` out of the rest of the job, reporting why."""
        problem = Problem.from_error(error, kind, source.name, str(source.path))
        self.report.problems.append(problem)
        self.failed.add(source.name)


def validate_language(code: str) -> str:
    """A language code Babel knows, in its one spelling (``FR`` → ``fr``, ``pt-br`` →
    ``pt_BR``); else UserError."""
    from pipeline.text.languages import normalize_language

    try:
        return normalize_language(code)
    except ValueError:
        raise UserError(
            f"unknown language code {code!r} (expected e.g. en, fr, de, pt_BR)"
        ) from None


def prepare(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    progress: Progress | None = None,
    *,
    fail_fast: bool = False,
    targets: bool = False,
) -> Job:
    """Check settings and languages (a problem there stops everything), then every source
    file or part of one before anything is written (a bad one is skipped and reported),
    deciding the language each document is written in.

    No ``languages`` means the project's ``target_languages``; with ``targets``
    the job needs at least one (translate, publish, run).
    """
    from pipeline.mt.batch import EXECUTORS
    from pipeline.steps.state import reading_fingerprint

    if project.executor not in EXECUTORS:
        raise UserError(f"--executor {project.executor}: expected {' or '.join(EXECUTORS)}")
    project, languages = _checked_languages(project, languages or project.target_languages)
    if targets and not languages:
        raise UserError("no target language: pass --to, or set target_languages in pipeline.toml")
    progress = progress or Progress()
    expanded = split_large_sources(sources, project.encoding)
    report = RunReport(documents=len(expanded), languages=list(languages))
    job = Job(project, expanded, languages, progress, report, fail_fast)
    job.state = BuildState.read(project.translations_dir)
    job.reading = reading_fingerprint(project)
    progress.start("Reading", len(expanded))
    for source in expanded:
        with job.document(source, "source"):
            _read(job, source)
        progress.advance()
    progress.finish()
    _skip_whole_files(job)
    return job


def _checked_languages(project: Project, languages: Sequence[str]) -> tuple[Project, list[str]]:
    """The project with its source language normalised (``EN`` is ``en``), and the target
    languages normalised, distinct, none equal to a fixed source language."""
    if not project.detects_language:
        source = validate_language(project.source_language)
        project = dataclasses.replace(project, source_language=source)
    checked: list[str] = []
    for language in languages:
        language = validate_language(language)
        if language == project.source_language:
            raise UserError(f"--to {language}: same as the source language")
        if language not in checked:
            checked.append(language)
    return project, checked


def _read(job: Job, source: Source) -> None:
    """Check one source: its name, its bytes, its language (UserError: skip it).

    A transcript the build state records as unchanged and read with the same
    settings is not read again: its language is the recorded one.
    """
    from pipeline.steps.languages import decide

    check_name(source)
    job.report.notes += [
        f"{alias}: a link to {source.path}; filed once, as {source.name!r}"
        for alias in source.aliases
    ]
    family = source.family
    if family in job.source_languages:
        if family not in job.unchanged_sources:
            job.load(source)  # a later part of a large file: its language is the file's
        return
    known = job.state.source_language(family, source.path, job.reading)
    if known is not None:
        job.unchanged_sources.add(family)
        job.source_languages[family] = known
    else:
        document = load_document(source, job.project, job.project.source_language)
        job.source_languages[family] = decide(job.project, source, document, job.report.notes)
    if not job.targets(source) and job.languages:
        job.report.notes.append(
            f"{source.path}: written in {job.language_of(source)}, the only target language; "
            "nothing to do"
        )


def _skip_whole_files(job: Job) -> None:
    """A large file with one unreadable part is left out whole: its other parts'
    catalogs would otherwise lose the sentences the bad part holds."""
    broken = {s.family for s in job.sources if s.name in job.failed and s.part is not None}
    job.failed |= {s.name for s in job.sources if s.family in broken}


@contextlib.contextmanager
def locked(job: Job) -> Iterator[None]:
    """Hold the translations directory's lock: two runs never interleave their writes.

    While the lock is held a marker file says a run is writing; finding it when
    taking the lock means the previous run was killed (SIGKILL, power loss), so
    the temporary files and scratch directories it could not delete are swept
    first (and the job's report says so).
    """
    project = job.project
    _check_directories(project)
    busy = (
        f"{project.translations_dir}: another pipeline run holds {project.lock_path.name}; "
        f"waited {project.lock_timeout:g} s, try again when it has finished"
    )
    with file_lock(project.lock_path, project.lock_timeout, busy):
        job.report.notes += _sweep_after_crash(project)
        marker = project.translations_dir / RUNNING_MARKER
        with contextlib.suppress(OSError):  # the lock itself proved the directory writable
            marker.write_text(f"{os.getpid()}\n", encoding="utf-8")
        try:
            yield
        finally:
            if job._facts is not None:
                job.report.notes += job._facts.notes
                job._facts.close()
                job._facts = None
            with contextlib.suppress(OSError):
                marker.unlink()


RUNNING_MARKER = ".pipeline.running"


def _sweep_after_crash(project: Project) -> list[str]:
    from pipeline.fsutil import sweep_temporaries
    from pipeline.scratch import sweep_scratch

    sweep_scratch()
    if not (project.translations_dir / RUNNING_MARKER).exists():
        return []
    removed = sweep_temporaries(project.translations_dir, project.output_dir)
    return [
        f"the previous run did not finish; removed {removed} temporary file"
        f"{'' if removed == 1 else 's'} it left behind"
    ]


def _check_directories(project: Project) -> None:
    """The translations and output directories, where they exist, must be directories."""
    for option, path in (
        ("--translations-dir", project.translations_dir),
        ("--output-dir", project.output_dir),
    ):
        if path.exists() and not path.is_dir():
            raise UserError(f"{option} {path}: is a file, expected a directory")


def load_document(source: Source, project: Project, language: str) -> Document:
    """Read and parse one source (or one part of a large one), written in ``language``.

    ``#:`` references name the file by its path under the project root, so that
    catalogs do not depend on where the project lives or how the path was typed.
    """
    from pipeline.text.ingest import ingest_file

    document = ingest_file(
        source.path,
        name=source.name,
        language=language,
        encoding=project.encoding,
        part=source.part,
    )
    document.source_path = _reference(source.path, project.root)
    return document


def _reference(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when under it (POSIX), else as it is."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return path.as_posix()


def segment_document(document: Document) -> list[tuple[Block, list[Segment]]]:
    """Each block with its sentences (remembered for the rest of a job, see
    :func:`segmenting_once`)."""
    from pipeline.text.segment import sentences_of

    memo = _SEGMENT_MEMO.get()
    split = memo.sentences if memo is not None else sentences_of
    return [(block, list(split(block.text, document.language))) for block in document.blocks]


_SEGMENT_MEMO: contextvars.ContextVar[SegmentMemo | None] = contextvars.ContextVar(
    "segment_memo", default=None
)


@contextlib.contextmanager
def segmenting_once() -> Iterator[None]:
    """Within this context, each distinct block is segmented once (extract, then publish)."""
    with SegmentMemo() as memo:
        token = _SEGMENT_MEMO.set(memo)
        try:
            yield
        finally:
            _SEGMENT_MEMO.reset(token)
