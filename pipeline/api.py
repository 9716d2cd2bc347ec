"""The library API: every command of the CLI is one function here, callable from Python.

Each function checks its inputs, takes the translations directory's lock when
it writes, runs the steps of :mod:`pipeline.steps` and returns a plain result
dataclass; the CLI only renders those results. Validation and locking happen
here, once; the steps assume both.

A document whose input cannot be used (an unreadable transcript, a broken PO
file) is skipped and listed in the report's ``problems``; the others are
processed. ``fail_fast=True`` raises the first such problem instead.

Example::

    from pipeline import api
    project = api.Project(translations_dir="translations", output_dir="output")
    sources = api.find_sources(["examples/transcript.txt"])
    report = api.run(project, sources, ["fr"])
    print(report.translated, api.status(project))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.mt.models import (  # the model store and the Argos index, for `pipeline models`
    download_and_install,
    find_model,
    install_file,
    install_from_dir,
    install_from_index,
    installed_models,
    load_index,
    newest_available,
    outdated_models,
    packages_dir,
    remove_model,
)
from pipeline.project import Project
from pipeline.publish import PublishOptions
from pipeline.qa import CheckReport
from pipeline.steps import check as check_step
from pipeline.steps import driver, memory_admin
from pipeline.steps import prune as prune_step
from pipeline.steps import publish as publish_step
from pipeline.steps import status as status_step
from pipeline.steps import terms as terms_step
from pipeline.steps import translate as translate_step
from pipeline.steps.dry_run import DryRun, PlannedDocument
from pipeline.steps.job import Job, locked, prepare, segmenting_once, validate_language
from pipeline.steps.progress import Progress
from pipeline.steps.prune import PrunedFile, PruneReport
from pipeline.steps.report import RunReport, StepReport
from pipeline.steps.review import QueueEntry, ReviewQueue, ReviewReportResult
from pipeline.steps.sources import Source, find_sources, split_large_sources
from pipeline.steps.status import CatalogStatus, discover_catalogs
from pipeline.steps.terms import TermList

if TYPE_CHECKING:
    from pipeline.memory import ImportedFile, MemoryStats
    from pipeline.terms import ImportResult

__all__ = [
    "CatalogStatus",
    "CheckReport",
    "DryRun",
    "PlannedDocument",
    "Progress",
    "Project",
    "PruneReport",
    "PrunedFile",
    "PublishOptions",
    "QueueEntry",
    "ReviewQueue",
    "ReviewReportResult",
    "RunReport",
    "Source",
    "StepReport",
    "TermList",
    "check",
    "discover_catalogs",
    "download_and_install",
    "dry_run",
    "extract",
    "find_model",
    "find_sources",
    "import_glossary",
    "install_file",
    "install_from_dir",
    "install_from_index",
    "installed_models",
    "list_terms",
    "load_index",
    "newest_available",
    "note_gone_sources",
    "outdated_models",
    "packages_dir",
    "prune",
    "publish",
    "remove_model",
    "review_queue",
    "review_report",
    "run",
    "split_large_sources",
    "status",
    "translate",
    "validate_language",
]


# ---------------------------------------------------------------------------
# Documents: extract, translate, publish, run


def extract(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str] = (),
    progress: Progress | None = None,
    *,
    fail_fast: bool = False,
) -> RunReport:
    """Write each document's POT template and merge it into its PO files (no translation)."""
    job = prepare(project, sources, languages, progress, fail_fast=fail_fast)
    if not job.active():
        return job.report  # every document was skipped: nothing to lock or write
    with locked(job):
        _sync_terms(job)
        driver.process(job)
    return job.report


def translate(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    progress: Progress | None = None,
    *,
    retranslate_machine: bool = False,
    fail_fast: bool = False,
) -> RunReport:
    """Extract, then machine-translate every entry that needs it (fuzzy, for review).

    Reviewed entries are never touched; ``retranslate_machine`` redoes machine
    translations (after a model update).
    """
    job = prepare(project, sources, languages, progress, fail_fast=fail_fast, targets=True)
    routes = translate_step.required_routes(job)
    if not job.active():
        return job.report  # every document was skipped: nothing to lock or write
    with locked(job):
        _sync_terms(job)
        driver.process(job, routes, retranslate_machine=retranslate_machine)
    return job.report


def publish(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    options: PublishOptions | None = None,
    progress: Progress | None = None,
    *,
    fail_fast: bool = False,
) -> RunReport:
    """Write the translated and bilingual documents, then ``output/index.html``."""
    options = options or project.publish
    job = prepare(project, sources, languages, progress, fail_fast=fail_fast, targets=True)
    if not job.active():
        return job.report  # every document was skipped: nothing to lock or write
    with locked(job):
        _sync_terms(job)
        publish_step.publish(job, options)
    return job.report


def run(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    options: PublishOptions | None = None,
    progress: Progress | None = None,
    *,
    retranslate_machine: bool = False,
    fail_fast: bool = False,
) -> RunReport:
    """extract + translate + publish, checking every input and model before writing."""
    options = options or project.publish
    job = prepare(project, sources, languages, progress, fail_fast=fail_fast, targets=True)
    routes = translate_step.required_routes(job)
    if not job.active():
        return job.report  # every document was skipped: nothing to lock or write
    with locked(job), segmenting_once():
        _sync_terms(job)
        if options.require_reviewed:  # refuse before publishing anything: a pass of its own
            driver.process(job, routes, retranslate_machine=retranslate_machine)
            publish_step.publish(job, options)
        else:
            driver.process(job, routes, retranslate_machine=retranslate_machine, publishing=options)
    return job.report


def dry_run(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    options: PublishOptions | None = None,
    *,
    retranslate_machine: bool = False,
) -> DryRun:
    """What :func:`run` would do (documents new, changed, unchanged; sentences to
    translate per language), writing nothing."""
    from pipeline.steps.dry_run import plan_run

    job = prepare(project, sources, languages, targets=True)
    routes = translate_step.required_routes(job)
    return plan_run(job, routes, options or project.publish, retranslate_machine)


def _sync_terms(job: Job) -> None:
    """Import the project's listed glossaries that changed (under the job's lock)."""
    job.report.notes += terms_step.sync_terms(job.project, job.languages)


def note_gone_sources(project: Project, report: RunReport) -> None:
    """Add to ``report`` one note naming the documents whose transcript is gone but whose
    catalogs or published files are still there (see :func:`prune`).

    Call it after a run over the whole project only: a run on some files would
    call every other document gone. Nothing is read but directory listings and
    the output manifest; a problem there leaves the report as it is.
    """
    try:
        note = prune_step.gone_note(project, prune_step.gone_files(project))
    except UserError:
        return
    if note:
        report.notes.append(note)


# ---------------------------------------------------------------------------
# Removed and renamed sources


def prune(project: Project, *, apply: bool = False) -> PruneReport:
    """The catalogs, templates and published files of documents whose transcript is
    gone (deleted, renamed, left out by the patterns): listed, or with ``apply``
    removed (generated files, machine-only catalogs; the index rewritten) and moved
    (catalogs with a person's translations, to ``translations/.attic/<lang>/``).
    See :mod:`pipeline.steps.prune`."""
    if not apply:
        return prune_step.plan(project)
    job = Job(project, [], [])
    with locked(job):
        report = prune_step.plan(project)
        prune_step.apply(project, report)
    report.notes += job.report.notes
    return report


# ---------------------------------------------------------------------------
# Catalogs: status and check (read-only)


def status(project: Project, languages: Sequence[str] = ()) -> list[CatalogStatus]:
    """Entry counts per document and language, read from the PO files."""
    return status_step.status(project, languages)


def check(
    project: Project,
    languages: Sequence[str] = (),
    *,
    severity: str | None = None,
    checks: Iterable[str] | None = None,
    reviewed_only: bool = False,
) -> CheckReport:
    """Quality checks on every PO file (numbers, URLs, typography, ``msgfmt -c`` …);
    see :func:`pipeline.steps.check.check` for the filters."""
    return check_step.check(
        project, languages, severity=severity, checks=checks, reviewed_only=reviewed_only
    )



def review_queue(
    project: Project, languages: Sequence[str] = (), *, limit: int | None = None
) -> ReviewQueue:
    """Unreviewed machine translations, least confident first (at most ``limit``), each
    with its PO file and line: where a reviewer should start."""
    from pipeline.steps.review import review_queue as queue

    return queue(project, [validate_language(code) for code in languages], limit)


def review_report(
    project: Project,
    languages: Sequence[str] = (),
    *,
    html: Path | None = None,
    page_language: str | None = None,
) -> ReviewReportResult:
    """What reviewers changed in the machine translations (accepted unchanged, edit
    distance, chrF, TER per language, model, document and confidence band); with
    ``html`` the report page is written there, in ``page_language`` (default: the
    first of ``languages``, else the index language, else the first target language)."""
    from pipeline.steps.review import review_report as report

    checked = [validate_language(code) for code in languages]
    candidates = [*checked, project.publish.index_language, *project.target_languages, "en"]
    language = page_language or next(code for code in candidates if code)
    return report(project, checked, html=html, page_language=language)


# ---------------------------------------------------------------------------
# Terms: the project's glossary


def import_glossary(
    project: Project,
    path: Path,
    *,
    language: str | None = None,
    source_language: str | None = None,
) -> ImportResult:
    """Import a CSV, TSV or TBX glossary into ``translations/terms.sqlite3`` (all or
    nothing), replacing what an earlier import of the same file defined.

    ``language`` is the target language of a file that names none (default: the
    project's only target language); ``source_language`` the language of its
    source terms (default: the project's). A run then shows the terms to
    translators (``#. terms:``), ``check`` checks them and the bilingual page
    underlines them. The import is one SQLite transaction: a run reading the
    terms meanwhile sees them before or after it, never half.
    """
    return terms_step.import_glossary(
        project,
        Path(path),
        validate_language(language) if language else None,
        validate_language(source_language) if source_language else None,
    )


def list_terms(project: Project, languages: Sequence[str] = ()) -> TermList:
    """The glossary's terms for ``languages`` (all by default)."""
    return terms_step.list_terms(project, [validate_language(code) for code in languages])


# ---------------------------------------------------------------------------
# Translation memory (see pipeline.memory)


def memory_import(project: Project, paths: Sequence[Path]) -> list[ImportedFile]:
    """Import TMX 1.4, XLIFF and PO/POT compendia into the translation memory; a malformed
    file is one UserError and nothing of any file is imported."""
    with locked(Job(project, [], [])):
        return memory_admin.import_memories(project, paths)


def memory_export(project: Project, target_language: str, path: Path) -> int:
    """Export the memory's units into ``target_language`` as a TMX file; return how many."""
    return memory_admin.export_memory(project, validate_language(target_language), path)


def memory_stats(project: Project) -> MemoryStats:
    """Units per language pair, by kind."""
    return memory_admin.memory_stats(project)


def memory_rebuild(project: Project) -> MemoryStats:
    """Rebuild the memory from the PO files (a damaged memory loses no reviewed work)."""
    with locked(Job(project, [], [])):
        return memory_admin.rebuild_memory(project)
