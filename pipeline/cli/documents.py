"""``pipeline run``, ``extract``, ``translate`` and ``publish``: the commands that write.

Each builds a :class:`~pipeline.project.Project` from its option groups, calls
the matching :mod:`pipeline.api` function with progress bars, and prints the
report: a rich summary table on a terminal, plain lines in logs, and with
``--json`` one JSON object on stdout.
"""

from __future__ import annotations

import json
import sys
import time

import typer

from pipeline.cli.app import app
from pipeline.cli.options import (
    BatchOptions,
    CatalogOptions,
    EngineFlags,
    InputOptions,
    OutputDirOptions,
    PublishFlags,
    Retranslate,
    Sources,
    To,
    ToOptional,
    Yes,
    command,
)
from pipeline.project import Project
from pipeline.steps.report import RunReport


def build_project(
    catalogs: CatalogOptions,
    inputs: InputOptions | None = None,
    outputs: OutputDirOptions | None = None,
    engine: EngineFlags | None = None,
) -> Project:
    """The project the options describe (API defaults for groups a command does not take)."""
    from pipeline.api import validate_language
    from pipeline.mt.engine import EngineOptions

    inputs = inputs or InputOptions()
    outputs = outputs or OutputDirOptions()
    engine = engine or EngineFlags()
    return Project(
        translations_dir=catalogs.translations_dir,
        output_dir=outputs.output_dir,
        source_language=inputs.source_language,
        encoding=inputs.encoding,
        engine=EngineOptions(device=engine.device, threads=engine.threads),
        use_cache=not engine.no_cache,
        pivot=validate_language(engine.pivot) if engine.pivot else None,
        executor=engine.executor,
    )


def languages_of(codes: list[str] | None) -> list[str]:
    """``--to fr --to de,es`` as a list of checked, distinct language codes."""
    from pipeline.api import validate_language

    result: list[str] = []
    for code in codes or []:
        for part in code.split(","):
            if part.strip() and part.strip() not in result:
                result.append(validate_language(part))
    return result


def publish_options(flags: PublishFlags):  # -> pipeline.publish.PublishOptions
    """The API's publishing options from the command line's flags (UserError if invalid)."""
    from pipeline.publish import DEFAULT_FORMATS, PublishOptions

    formats = [f.strip() for f in flags.formats.split(",") if f.strip()] if flags.formats else []
    return PublishOptions(
        formats=tuple(formats or DEFAULT_FORMATS),
        style=flags.style,
        paper=flags.paper,
        only_reviewed=flags.only_reviewed,
        min_reviewed=flags.min_reviewed,
        require_reviewed=flags.require_reviewed,
        tmx_include_machine=flags.tmx_include_machine,
        index_language=flags.index_language,
    )


def finish(report: RunReport, quiet: bool) -> None:
    """The plain summary (unless quiet), each skipped document's problem; exit 2 (partial)
    when there were any."""
    from pipeline.cli.render import problems, summary_lines

    if not quiet and report.processed:
        summary_lines(report)
    problems(report)
    if report.exit_status:
        raise typer.Exit(report.exit_status)


def _offer_missing_models(project: Project, languages: list[str], yes: bool, quiet: bool) -> None:
    """For a pair with no model, offer to install it from the index (never prompts when
    not on a terminal); if that cannot happen, the run fails with the install hint."""
    from pipeline.api import find_model
    from pipeline.cli.models import offer_install

    source = project.source_language
    for language in languages:
        if find_model(source, language) is None and not project.pivot:
            interactive = sys.stdin.isatty() and sys.stderr.isatty()
            offer_install(source, language, assume_yes=yes, interactive=interactive, quiet=quiet)


@command(app)
def run(
    sources: Sources,
    to: To,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
    engine: EngineFlags = ...,
    publishing: PublishFlags = ...,
    retranslate_machine: Retranslate = False,
    yes: Yes = False,
    batch: BatchOptions = ...,
) -> None:
    """Extract, machine-translate and publish: the whole job in one command."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.cli.render import notes, progress_for, run_summary_table, summary_lines

    project = build_project(catalogs, inputs, outputs, engine)
    found = api.find_sources(sources, inputs.include)
    languages = languages_of(to)
    _offer_missing_models(project, languages, yes, batch.quiet)
    with progress_for(batch.quiet) as progress:
        report = api.run(
            project,
            found,
            languages,
            publish_options(publishing),
            progress,
            retranslate_machine=retranslate_machine,
            fail_fast=batch.fail_fast,
        )
    summary = report.summary(languages, time.perf_counter() - started)
    if not batch.quiet and report.processed:
        if run_summary_table(summary):
            notes(report)
        else:
            summary_lines(report)
    if batch.as_json:
        typer.echo(json.dumps(summary))
    finish(report, quiet=True)


@command(app)
def extract(
    sources: Sources,
    to: ToOptional = None,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    batch: BatchOptions = ...,
) -> None:
    """Write POT templates and merge them into the PO files of --to languages."""
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs)
    found = api.find_sources(sources, inputs.include)
    with progress_for(batch.quiet) as progress:
        report = api.extract(project, found, languages_of(to), progress, fail_fast=batch.fail_fast)
    finish(report, batch.quiet)


@command(app)
def translate(
    sources: Sources,
    to: To,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    engine: EngineFlags = ...,
    retranslate_machine: Retranslate = False,
    batch: BatchOptions = ...,
) -> None:
    """Machine-translate untranslated entries (fuzzy, for review); reviewed ones are kept."""
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs, engine=engine)
    found = api.find_sources(sources, inputs.include)
    with progress_for(batch.quiet) as progress:
        report = api.translate(
            project,
            found,
            languages_of(to),
            progress,
            retranslate_machine=retranslate_machine,
            fail_fast=batch.fail_fast,
        )
    finish(report, batch.quiet)


@command(app)
def publish(
    sources: Sources,
    to: To,
    inputs: InputOptions = ...,
    catalogs: CatalogOptions = ...,
    outputs: OutputDirOptions = ...,
    publishing: PublishFlags = ...,
    batch: BatchOptions = ...,
) -> None:
    """Write translated and bilingual documents from the PO files."""
    from pipeline import api
    from pipeline.cli.render import progress_for

    project = build_project(catalogs, inputs, outputs)
    found = api.find_sources(sources, inputs.include)
    with progress_for(batch.quiet) as progress:
        report = api.publish(
            project,
            found,
            languages_of(to),
            publish_options(publishing),
            progress,
            fail_fast=batch.fail_fast,
        )
    finish(report, batch.quiet)
