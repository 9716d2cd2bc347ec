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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.errors import UserError
from pipeline.fsutil import file_lock
from pipeline.project import Project
from pipeline.steps.progress import Progress
from pipeline.steps.report import RunReport
from pipeline.steps.sources import Source, split_large_sources
from pipeline.text.document import Block, Document, Segment
from pipeline.text.segment import SegmentMemo


@dataclass
class Job:
    """What a step works on: checked sources (large files split), target languages,
    where to report progress and results."""

    project: Project
    sources: list[Source]
    languages: list[str]
    progress: Progress = field(default_factory=Progress)
    report: RunReport = field(default_factory=RunReport)


def validate_language(code: str) -> str:
    """Accept a language code Babel knows ("fr", "pt_BR", "zh-Hant"); else UserError."""
    from babel import Locale, UnknownLocaleError

    cleaned = code.strip()
    try:
        Locale.parse(cleaned.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise UserError(
            f"unknown language code {code!r} (expected e.g. en, fr, de, pt_BR)"
        ) from None
    return cleaned


def prepare(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    progress: Progress | None = None,
) -> Job:
    """Check settings, languages and every source file (or part of one) before anything
    is written."""
    from pipeline.mt.batch import EXECUTORS

    if project.executor not in EXECUTORS:
        raise UserError(f"--executor {project.executor}: expected {' or '.join(EXECUTORS)}")
    validate_language(project.source_language)
    for language in languages:
        validate_language(language)
        if language == project.source_language:
            raise UserError(f"--to {language}: same as the source language")
    progress = progress or Progress()
    expanded = split_large_sources(sources, project.encoding)
    progress.start("Reading", len(expanded))
    for source in expanded:
        load_document(source, project)  # raises UserError on unreadable input
        progress.advance()
    progress.finish()
    return Job(project, expanded, list(languages), progress, RunReport(documents=len(expanded)))


@contextlib.contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold the translations directory's lock: two runs never interleave their writes."""
    busy = (
        f"{project.translations_dir}: another pipeline run holds {project.lock_path.name}; "
        f"waited {project.lock_timeout:g} s, try again when it has finished"
    )
    with file_lock(project.lock_path, project.lock_timeout, busy):
        yield


def load_document(source: Source, project: Project) -> Document:
    """Read and parse one source (or one part of a large one)."""
    from pipeline.text.ingest import ingest_file

    return ingest_file(
        source.path,
        name=source.name,
        language=project.source_language,
        encoding=project.encoding,
        part=source.part,
    )


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
