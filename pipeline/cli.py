"""Command-line interface: a thin Typer shell over :mod:`pipeline.api`.

Every command parses options, calls one API function and renders its result.
Problems the user can fix (:class:`~pipeline.errors.UserError`, bad options)
print one line on stderr and exit with status 1; never a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import __version__

app = typer.Typer(
    name="pipeline",
    help="Translate transcripts offline: extract POT/PO catalogs, machine-translate with Argos "
    "models (marked fuzzy for review), and publish translated and bilingual documents.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _mount_models() -> None:
    from pipeline.cli_models import app as models_app

    app.add_typer(
        models_app, name="models", help="Install, list and update Argos Translate models."
    )


_mount_models()

# -- shared options ----------------------------------------------------------

Sources = Annotated[
    list[str], typer.Argument(help="Transcript files, directories (walked) or glob patterns.")
]
To = Annotated[list[str], typer.Option("--to", "-t", help="Target language (repeatable).")]
ToOptional = Annotated[
    list[str] | None, typer.Option("--to", "-t", help="Only these target languages.")  # noqa: UP007
]
From = Annotated[str, typer.Option("--from", "-f", help="Source language of the transcripts.")]
TranslationsDir = Annotated[
    Path, typer.Option("--translations-dir", help="Where POT/PO files and the MT cache live.")
]
OutputDir = Annotated[Path, typer.Option("--output-dir", help="Where published files go.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
Encoding = Annotated[str, typer.Option("--encoding", help="Encoding of the transcripts.")]
Include = Annotated[
    str, typer.Option("--include", help="File pattern used when walking directories.")
]
Formats = Annotated[
    str | None,  # noqa: UP007
    typer.Option(
        "--format",
        help="Comma-separated: txt,md,html,docx,bilingual-html,bilingual-md,tmx,xliff "
        "(default: txt,md,html,bilingual-html).",
    ),
]
Device = Annotated[str, typer.Option("--device", help="cpu or cuda.")]
Threads = Annotated[int, typer.Option("--threads", help="CPU threads for translation (0: all).")]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the machine-translation cache.")
]
Retranslate = Annotated[
    bool,
    typer.Option(
        "--retranslate-machine",
        help="Re-translate fuzzy machine translations (after a model update); "
        "reviewed entries are never touched.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
RequireReviewed = Annotated[
    bool,
    typer.Option("--require-reviewed", help="Refuse to publish unless every entry is reviewed."),
]
TmxMachine = Annotated[
    bool,
    typer.Option(
        "--tmx-include-machine", help="Also put machine translations in the TMX (marked as such)."
    ),
]
Yes = Annotated[
    bool,
    typer.Option(
        "--yes", "-y", help="Install a missing model from the Argos index without asking."
    ),
]
Pivot = Annotated[
    str | None,
    typer.Option(
        "--pivot",
        help="Where no direct model exists, translate through this language "
        "(e.g. en→de→fr; lower quality, both models named in the PO comments).",
    ),
]
Executor = Annotated[
    str,
    typer.Option(
        "--executor",
        help="local (default) or ray: translate on Ray actors (pip install '.[ray]'; "
        "uses $RAY_ADDRESS or starts a local Ray).",
    ),
]
MinReviewed = Annotated[
    float,
    typer.Option(
        "--min-reviewed", min=0, max=100, help="Publish only documents at least this % reviewed."
    ),
]


def _project(
    translations_dir: Path,
    output_dir: Path = Path("output"),
    source_language: str = "en",
    encoding: str = "utf-8",
    device: str = "cpu",
    threads: int = 0,
    no_cache: bool = False,
    pivot: str | None = None,
    executor: str = "local",
) -> Any:
    from pipeline.api import Project, validate_language
    from pipeline.mt.engine import EngineOptions

    if device not in ("cpu", "cuda"):
        _fail(f"--device {device}: expected cpu or cuda")
    if executor not in ("local", "ray"):
        _fail(f"--executor {executor}: expected local or ray")
    return Project(
        translations_dir=translations_dir,
        output_dir=output_dir,
        source_language=source_language,
        encoding=encoding,
        engine=EngineOptions(device=device, threads=threads),
        use_cache=not no_cache,
        pivot=validate_language(pivot) if pivot else None,
        executor=executor,
    )


def _languages(codes: list[str] | None) -> list[str]:
    from pipeline.api import validate_language

    result: list[str] = []
    for code in codes or []:
        for part in code.split(","):
            if part.strip() and part.strip() not in result:
                result.append(validate_language(part))
    return result


def _formats(value: str | None) -> list[str] | None:
    return [f.strip() for f in value.split(",") if f.strip()] if value else None


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _offer_missing_models(project: Any, languages: list[str], yes: bool, quiet: bool) -> None:
    """For a pair with no model, offer to install it from the index (never prompts when
    not on a terminal); if that cannot happen, the run fails with the install hint."""
    from pipeline.cli_models import offer_install
    from pipeline.mt.models import find_model

    source = project.source_language
    for language in languages:
        if find_model(source, language) is None and not project.pivot:
            interactive = sys.stdin.isatty() and sys.stderr.isatty()
            offer_install(source, language, assume_yes=yes, interactive=interactive, quiet=quiet)


def _summary(report: Any, quiet: bool) -> None:
    if quiet:
        return
    _notes(report)
    for language, count in report.translated.items():
        cached = report.from_cache.get(language, 0)
        typer.echo(
            f"{language}: {count} segments machine-translated, {cached} from cache", err=True
        )
    typer.echo(f"{report.files_written} files written", err=True)


def _notes(report: Any) -> None:
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)


def _run_summary(
    report: Any, documents: int, languages: list[str], seconds: float
) -> dict[str, Any]:
    """``run --json``: documents, distinct segments needing a translation (machine-translated
    now or taken from the MT cache), files written and seconds, in total and per language."""
    per_language = {
        language: {
            "translated": report.translated.get(language, 0),
            "from_cache": report.from_cache.get(language, 0),
        }
        for language in languages
    }
    translated = sum(counts["translated"] for counts in per_language.values())
    from_cache = sum(counts["from_cache"] for counts in per_language.values())
    return {
        "documents": documents,
        "segments": translated + from_cache,
        "translated": translated,
        "from_cache": from_cache,
        "files_written": report.files_written,
        "seconds": round(seconds, 3),
        "languages": per_language,
    }


# -- commands ----------------------------------------------------------------


@app.command()
def run(
    sources: Sources,
    to: To,
    source_language: From = "en",
    translations_dir: TranslationsDir = Path("translations"),
    output_dir: OutputDir = Path("output"),
    formats: Formats = None,
    include: Include = "*.txt",
    encoding: Encoding = "utf-8",
    device: Device = "cpu",
    threads: Threads = 0,
    no_cache: NoCache = False,
    retranslate_machine: Retranslate = False,
    pivot: Pivot = None,
    executor: Executor = "local",
    yes: Yes = False,
    tmx_include_machine: TmxMachine = False,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """Extract, machine-translate and publish: the whole job in one command."""
    started = time.perf_counter()
    from pipeline import api
    from pipeline.progress import progress_for, run_summary_table

    project = _project(
        translations_dir,
        output_dir,
        source_language,
        encoding,
        device,
        threads,
        no_cache,
        pivot,
        executor,
    )
    found = api.find_sources(sources, include)
    languages = _languages(to)
    _offer_missing_models(project, languages, yes, quiet)
    with progress_for(quiet) as progress:
        report = api.run(
            project,
            found,
            languages,
            _formats(formats),
            progress,
            retranslate_machine=retranslate_machine,
            tmx_include_machine=tmx_include_machine,
        )
    summary = _run_summary(report, len(found), languages, time.perf_counter() - started)
    if not quiet and run_summary_table(summary):
        _notes(report)
    else:
        _summary(report, quiet)
    if as_json:
        typer.echo(json.dumps(summary))


@app.command()
def extract(
    sources: Sources,
    to: ToOptional = None,
    source_language: From = "en",
    translations_dir: TranslationsDir = Path("translations"),
    include: Include = "*.txt",
    encoding: Encoding = "utf-8",
    quiet: Quiet = False,
) -> None:
    """Write POT templates and merge them into the PO files of --to languages."""
    from pipeline import api
    from pipeline.progress import progress_for

    project = _project(translations_dir, source_language=source_language, encoding=encoding)
    found = api.find_sources(sources, include)
    with progress_for(quiet) as progress:
        report = api.extract(project, found, _languages(to), progress)
    _summary(report, quiet)


@app.command()
def translate(
    sources: Sources,
    to: To,
    source_language: From = "en",
    translations_dir: TranslationsDir = Path("translations"),
    include: Include = "*.txt",
    encoding: Encoding = "utf-8",
    device: Device = "cpu",
    threads: Threads = 0,
    no_cache: NoCache = False,
    retranslate_machine: Retranslate = False,
    pivot: Pivot = None,
    executor: Executor = "local",
    quiet: Quiet = False,
) -> None:
    """Machine-translate untranslated entries (fuzzy, for review); reviewed ones are kept."""
    from pipeline import api
    from pipeline.progress import progress_for

    project = _project(
        translations_dir,
        Path("output"),
        source_language,
        encoding,
        device,
        threads,
        no_cache,
        pivot,
        executor,
    )
    found = api.find_sources(sources, include)
    with progress_for(quiet) as progress:
        report = api.translate(
            project, found, _languages(to), progress, retranslate_machine=retranslate_machine
        )
    _summary(report, quiet)


@app.command()
def publish(
    sources: Sources,
    to: To,
    source_language: From = "en",
    translations_dir: TranslationsDir = Path("translations"),
    output_dir: OutputDir = Path("output"),
    formats: Formats = None,
    include: Include = "*.txt",
    encoding: Encoding = "utf-8",
    require_reviewed: RequireReviewed = False,
    min_reviewed: MinReviewed = 0.0,
    tmx_include_machine: TmxMachine = False,
    quiet: Quiet = False,
) -> None:
    """Write translated and bilingual documents from the PO files."""
    from pipeline import api
    from pipeline.progress import progress_for

    project = _project(translations_dir, output_dir, source_language, encoding)
    found = api.find_sources(sources, include)
    with progress_for(quiet) as progress:
        report = api.publish(
            project,
            found,
            _languages(to),
            _formats(formats),
            progress,
            require_reviewed=require_reviewed,
            min_reviewed=min_reviewed,
            tmx_include_machine=tmx_include_machine,
        )
    _summary(report, quiet)


@app.command()
def status(
    to: ToOptional = None,
    translations_dir: TranslationsDir = Path("translations"),
    as_json: AsJson = False,
) -> None:
    """Per document and language: total, reviewed, machine, fuzzy and untranslated entries."""
    from pipeline import api

    rows = api.status(_project(translations_dir), _languages(to))
    if as_json:
        typer.echo(json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    from pipeline.progress import status_tables

    status_tables(rows)


@app.command()
def check(
    to: ToOptional = None,
    source_language: From = "en",
    translations_dir: TranslationsDir = Path("translations"),
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text: one line per finding, compiler style (default); table; json: "
            "a list of objects.",
        ),
    ] = "text",
    severity: Annotated[
        str | None,  # noqa: UP007
        typer.Option("--severity", help="error: errors only; warning: everything (default)."),
    ] = None,
    only: Annotated[
        list[str] | None,  # noqa: UP007
        typer.Option(
            "--check",
            help="Only these checks, comma-separated or repeated (e.g. numbers,urls); "
            "an unknown name lists the valid ones.",
        ),
    ] = None,
    reviewed_only: Annotated[
        bool,
        typer.Option(
            "--reviewed-only", help="Only entries a person confirmed (translated, not fuzzy)."
        ),
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when errors are found.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Quality checks on translated entries (numbers, URLs, punctuation, typography, msgfmt -c).

    Exits 3 when an error-level finding is left after the filters.
    """
    from pipeline import api, qa
    from pipeline.errors import ExitStatus

    output_format = qa.validate_format("json" if as_json else output_format)
    project = _project(translations_dir, source_language=source_language)
    report = qa.check_catalogs(
        api.discover_catalogs(project, _languages(to)),
        source_language,
        severity=severity,
        checks=only,
        reviewed_only=reviewed_only,
    )
    qa.print_report(report, output_format)
    if report.failed and not exit_zero:
        raise typer.Exit(int(ExitStatus.QUALITY))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Offline transcript translation pipeline."""


def main() -> None:
    """Console-script entry point: user errors become one line on stderr and exit 1.

    Typer bundles its own copy of click, so its exception classes are taken
    from ``typer._click`` when present.
    """
    try:
        from typer._click import exceptions as click_exceptions
    except ImportError:  # older Typer: plain click
        from click import exceptions as click_exceptions

    from pipeline.errors import UserError

    try:
        code = app(standalone_mode=False)
    except UserError as exc:
        _fail_line(str(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except click_exceptions.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())
            sys.exit(0)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        _fail_line(f"{exc.format_message()}{hint}")
    except KeyboardInterrupt:
        typer.echo("interrupted: files already written are complete; run again to resume", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail_line(message: str) -> None:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(1)
