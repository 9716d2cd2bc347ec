"""``pipeline init``, ``run``, ``extract``, ``translate`` and ``publish``: the commands that write.

Each builds a :class:`~pipeline.project.Project` from ``pipeline.toml`` (when
there is one) with the options given on the command line on top, calls the
matching :mod:`pipeline.api` function with progress bars, and prints the
report: a rich summary table on a terminal, plain lines in logs, and with
``--json`` one JSON object on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli import runlog
from pipeline.cli.app import app
from pipeline.cli.options import (
    BatchOptions,
    CatalogOptions,
    EngineFlags,
    InputOptions,
    MemoryFlags,
    OutputDirOptions,
    PublishFlags,
    Retranslate,
    Sources,
    To,
    Yes,
    comma_list,
    command,
    overrides,
)
from pipeline.project import Project
from pipeline.steps.report import RunReport

if TYPE_CHECKING:
    from pipeline.steps.sources import Source


def build_project(
    catalogs: CatalogOptions, *groups: object, to: list[str] | None = None
) -> Project:
    """The project of ``pipeline.toml`` (``--project``, or found like git finds ``.git``;
    the defaults without one) with the options given on the command line on top."""
    from pipeline.project.file import load_settings, with_values

    settings = load_settings(Path.cwd(), catalogs.project_file)
    values = overrides(catalogs, *groups)
    if to:
        values["target_languages"] = comma_list(to)
    return Project.from_settings(with_values(settings, values))


def finish(report: RunReport, quiet: bool) -> None:
    """The plain summary (unless quiet), each skipped document's problem; exit 2 (partial)
    when there were any."""
    from pipeline.cli.render import problems, summary_lines

    if not quiet and report.processed:
        summary_lines(report)
    problems(report)
    if report.exit_status:
        raise typer.Exit(report.exit_status)


def after_batch(
    report: RunReport,
    project: Project,
    found: list[Source],
    sources: list[str] | None,
    inputs: InputOptions,
) -> None:
    """Log each document's result (``--log``); on a run over the whole project (no source
    arguments, the project's own patterns) note the documents whose transcript is gone."""
    from pipeline import api

    if not sources and not inputs.include:
        api.note_gone_sources(project, report)
    runlog.current().results(report, found)


def _offer_missing_models(project: Project, yes: bool, quiet: bool) -> None:
    """For a pair with no model, offer to install it from the index (never prompts when
    not on a terminal); if that cannot happen, the run fails with the install hint."""
    from pipeline.api import find_model
    from pipeline.cli.models import offer_install

    source = project.source_language
    if project.detects_language or project.pivot:
        return  # the pairs are known once the documents are read
    for language in project.target_languages:
        if find_model(source, language) is None:
            interactive = sys.stdin.isatty() and sys.stderr.isatty()
            offer_install(source, language, assume_yes=yes, interactive=interactive, quiet=quiet)


@command(app)
def init(
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
) -> None:
    """Write pipeline.toml here: an annotated project file (never over an existing one)."""
    from pipeline.project.file import PROJECT_FILE_NAME, with_values, write_project_file
    from pipeline.project.settings import ProjectSettings

    values = overrides(catalogs, inputs, outputs)
    if to:
        values["target_languages"] = comma_list(to)
    path = catalogs.project_file or Path(PROJECT_FILE_NAME)
    written = write_project_file(path, with_values(ProjectSettings(), values))
    typer.echo(f"wrote {written}; edit it, then run `pipeline run`")


@command(app)
@runlog.logged("run")
def run(
    sources: Sources = None,
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
    engine: EngineFlags = ...,
    memory: MemoryFlags = ...,
    publishing: PublishFlags = ...,
    retranslate_machine: Retranslate = False,
    yes: Yes = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Show what the run would do (documents new, changed, unchanged; sentences "
            "to translate per language) and write nothing.",
        ),
    ] = False,
    batch: BatchOptions = ...,
) -> None:
    """Extract, machine-translate and publish: the whole job in one command."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.cli.render import notes, progress_for, run_summary_table, summary_lines

    project = build_project(catalogs, inputs, outputs, engine, memory, publishing, batch, to=to)
    found = api.find_sources(sources or (), project)
    if dry_run:
        _dry_run(project, found, retranslate_machine, batch)
        return
    runlog.current().start(sources or [], len(found), project.target_languages)
    _offer_missing_models(project, yes, batch.quiet)
    with progress_for(batch.quiet) as progress:
        report = api.run(
            project,
            found,
            project.target_languages,
            project.publish,
            progress,
            retranslate_machine=retranslate_machine,
            fail_fast=batch.fail_fast,
        )
    after_batch(report, project, found, sources, inputs)
    summary = report.summary(report.languages, time.perf_counter() - started)
    if not batch.quiet and report.processed:
        if run_summary_table(summary):
            notes(report)
        else:
            summary_lines(report)
    if batch.as_json:
        print_json(report, found, summary)
    finish(report, quiet=True)


def _dry_run(project: Project, found: list[Source], retranslate: bool, batch: BatchOptions) -> None:
    """``run --dry-run``: the plan, as text or JSON; exit 2 when a document would fail."""
    from pipeline import api
    from pipeline.cli.render import dry_run_lines

    plan = api.dry_run(project, found, project.target_languages, retranslate_machine=retranslate)
    if batch.as_json:
        typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False))
    else:
        dry_run_lines(plan)
    if plan.exit_status:
        raise typer.Exit(plan.exit_status)


def print_json(report: RunReport, found: list[Source], summary: dict[str, object]) -> None:
    """The ``--json`` object: the totals (``summary``), with each document's result."""
    summary["results"] = [result.to_dict() for result in runlog.document_results(report, found)]
    typer.echo(json.dumps(summary, ensure_ascii=False))


@command(app)
@runlog.logged("extract")
def extract(
    sources: Sources = None,
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    batch: BatchOptions = ...,
) -> None:
    """Write POT templates and merge them into the PO files of --to languages."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs, batch, to=to)
    found = api.find_sources(sources or (), project)
    runlog.current().start(sources or [], len(found), project.target_languages)
    with progress_for(batch.quiet) as progress:
        report = api.extract(
            project, found, project.target_languages, progress, fail_fast=batch.fail_fast
        )
    after_batch(report, project, found, sources, inputs)
    if batch.as_json:
        print_json(report, found, report.summary(report.languages, time.perf_counter() - started))
    finish(report, batch.quiet or batch.as_json)


@command(app)
@runlog.logged("translate")
def translate(
    sources: Sources = None,
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    engine: EngineFlags = ...,
    memory: MemoryFlags = ...,
    retranslate_machine: Retranslate = False,
    batch: BatchOptions = ...,
) -> None:
    """Fill entries from the translation memory, machine-translate the rest (fuzzy, for
    review); reviewed ones are kept."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs, engine, memory, batch, to=to)
    found = api.find_sources(sources or (), project)
    runlog.current().start(sources or [], len(found), project.target_languages)
    with progress_for(batch.quiet) as progress:
        report = api.translate(
            project,
            found,
            project.target_languages,
            progress,
            retranslate_machine=retranslate_machine,
            fail_fast=batch.fail_fast,
        )
    after_batch(report, project, found, sources, inputs)
    if batch.as_json:
        print_json(report, found, report.summary(report.languages, time.perf_counter() - started))
    finish(report, batch.quiet or batch.as_json)


@command(app)
@runlog.logged("publish")
def publish(
    sources: Sources = None,
    to: To = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
    publishing: PublishFlags = ...,
    batch: BatchOptions = ...,
) -> None:
    """Write translated and bilingual documents from the PO files."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs, outputs, publishing, batch, to=to)
    found = api.find_sources(sources or (), project)
    runlog.current().start(sources or [], len(found), project.target_languages)
    with progress_for(batch.quiet) as progress:
        report = api.publish(
            project,
            found,
            project.target_languages,
            project.publish,
            progress,
            fail_fast=batch.fail_fast,
        )
    after_batch(report, project, found, sources, inputs)
    if batch.as_json:
        print_json(report, found, report.summary(report.languages, time.perf_counter() - started))
    finish(report, batch.quiet or batch.as_json)
