"""Command-line options, each declared once, and the decorator that shares them.

Options that several commands take are grouped in dataclasses (the *option
groups* below). A command declares one parameter per group it needs, typed
with the group::

    @command(app)
    def status(to: To = None, catalogs: CatalogOptions = ..., as_json: AsJson = False):
        project = build_project(catalogs)

and :func:`command` gives the Typer command one option per field of each
group, then hands the function the filled-in dataclass. So each option is
written and documented in exactly one place, and every command that takes it
takes it the same way.

This module does not use ``from __future__ import annotations``: Typer reads
the ``Annotated`` option declarations of the group fields at run time.
"""

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

# -- single options ------------------------------------------------------------

Sources = Annotated[
    list[str] | None,
    typer.Argument(
        help="Transcript files, directories (walked) or glob patterns "
        "(default: every transcript of the project).",
        show_default=False,
    ),
]
To = Annotated[
    list[str] | None,
    typer.Option(
        "--to",
        "-t",
        help="Target language (repeatable; default: target_languages of pipeline.toml).",
    ),
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
Yes = Annotated[
    bool,
    typer.Option(
        "--yes", "-y", help="Install a missing model from the Argos index without asking."
    ),
]

Limit = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=1, help="Show at most this many entries (default: all)."),
]
HtmlReport = Annotated[
    Path | None,
    typer.Option("--html", metavar="FILE", help="Also write the report as one HTML page."),
]
GlossaryFile = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="A glossary: CSV or TSV (source term, target language, target term(s) "
        "separated by |, note, do-not-translate) or TBX.",
    ),
]
GlossaryLanguage = Annotated[
    str | None,
    typer.Option(
        "--to",
        "-t",
        help="Target language of a glossary that names none (default: the project's "
        "target language, when it has one).",
    ),
]
GlossarySource = Annotated[
    str | None,
    typer.Option(
        "--from",
        "-f",
        help="Language of the glossary's source terms (default: the project's source_language).",
    ),
]


def group(cls: type) -> type:
    """Mark a dataclass as an option group (see the module docstring)."""
    cls = dataclasses.dataclass(cls)
    cls.__option_group__ = True  # type: ignore[attr-defined]
    return cls


def setting(key: str, to_value: Callable[[Any], Any] | None = None) -> Any:
    """An option that overrides the project-file key ``key`` when given (None: not given);
    ``to_value`` turns the option's value into the key's."""
    return dataclasses.field(default=None, metadata={"setting": key, "to_value": to_value})


def overrides(*groups: object) -> dict[str, Any]:
    """The project-file keys the given options override: only options actually given."""
    values: dict[str, Any] = {}
    for options in groups:
        for option in dataclasses.fields(options):  # type: ignore[arg-type]
            key = option.metadata.get("setting")
            value = getattr(options, option.name)
            if key and value is not None:
                to_value = option.metadata["to_value"]
                values[key] = to_value(value) if to_value else value
    return values


def comma_list(values: str | list[str]) -> list[str]:
    """``--to fr --to de,es`` or ``--format txt,md`` as one list."""
    items = [values] if isinstance(values, str) else values
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


# -- option groups -------------------------------------------------------------


@group
class CatalogOptions:
    """Which project, and where its catalogs live."""

    project_file: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="The project file (default: pipeline.toml here or in the nearest parent).",
        ),
    ] = None
    translations_dir: Annotated[
        Path | None,
        typer.Option(
            "--translations-dir",
            help="Where POT/PO files and the MT cache live (default: translations).",
        ),
    ] = setting("translations_dir", str)


@group
class InputOptions:
    """How transcripts are found and read."""

    source_language: Annotated[
        str | None,
        typer.Option(
            "--from",
            "-f",
            help="Source language of the transcripts, or auto: detect each document's "
            "(default: en).",
        ),
    ] = setting("source_language")
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include", help="File pattern used when walking directories (default: *.txt)."
        ),
    ] = setting("sources.include")
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Encoding of the transcripts (default: utf-8).")
    ] = setting("sources.encoding")
    strict_language: Annotated[
        bool | None,
        typer.Option(
            "--strict-language",
            help="Skip a document confidently detected as another language than --from.",
        ),
    ] = setting("strict_language")


@group
class OutputDirOptions:
    """Where published files go."""

    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", help="Where published files go (default: output)."),
    ] = setting("output_dir", str)


@group
class EngineFlags:
    """How machine translation runs."""

    device: Annotated[str | None, typer.Option("--device", help="cpu (default) or cuda.")] = (
        setting("engine.device")
    )
    threads: Annotated[
        int | None, typer.Option("--threads", help="CPU threads for translation (0: all).")
    ] = setting("engine.threads")
    no_cache: Annotated[
        bool | None,
        typer.Option("--no-cache", help="Do not read or write the machine-translation cache."),
    ] = setting("engine.cache", lambda flag: not flag)
    pivot: Annotated[
        str | None,
        typer.Option(
            "--pivot",
            help="Where no direct model exists, translate through this language "
            "(e.g. en→de→fr; lower quality, both models named in the PO comments).",
        ),
    ] = setting("engine.pivot")
    executor: Annotated[
        str | None,
        typer.Option(
            "--executor",
            help="local (default) or ray: translate on Ray actors (pip install '.[ray]'; "
            "uses $RAY_ADDRESS or starts a local Ray).",
        ),
    ] = setting("engine.executor")


@group
class MemoryFlags:
    """How the translation memory fills entries before machine translation."""

    no_memory: Annotated[
        bool | None,
        typer.Option("--no-memory", help="Do not use the translation memory for this run."),
    ] = setting("memory.enabled", lambda flag: not flag)
    memory_exact: Annotated[
        str | None,
        typer.Option(
            "--memory-exact",
            help="translate (default: exact matches filled as translations) or fuzzy "
            "(marked for review).",
        ),
    ] = setting("memory.exact")
    memory_min: Annotated[
        float | None,
        typer.Option(
            "--memory-min",
            min=1,
            max=100,
            help="Lowest similarity (percent) of a fuzzy memory match (default: 75).",
        ),
    ] = setting("memory.min_score")


@group
class PublishFlags:
    """What to publish, and when to refuse."""

    formats: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Comma-separated: txt,md,html,docx,bilingual-html,bilingual-md,tmx,xliff,"
            "bilingual-docx,pdf,bilingual-pdf (default: txt,md,html,bilingual-html).",
        ),
    ] = setting("publish.formats", comma_list)
    require_reviewed: Annotated[
        bool | None,
        typer.Option(
            "--require-reviewed", help="Refuse to publish unless every entry is reviewed."
        ),
    ] = setting("publish.require_reviewed")
    min_reviewed: Annotated[
        float | None,
        typer.Option(
            "--min-reviewed",
            min=0,
            max=100,
            help="Publish only documents at least this % reviewed.",
        ),
    ] = setting("publish.min_reviewed")
    tmx_include_machine: Annotated[
        bool | None,
        typer.Option(
            "--tmx-include-machine",
            help="Also put machine translations in the TMX (marked as such).",
        ),
    ] = setting("publish.tmx_include_machine")
    style: Annotated[
        str | None,
        typer.Option(
            "--style",
            help="review (default: marks, review bar, legend) or public (clean pages for a web "
            "site).",
        ),
    ] = setting("publish.style")
    only_reviewed: Annotated[
        bool | None,
        typer.Option(
            "--only-reviewed",
            help="Publish and index only fully reviewed documents (or --min-reviewed %).",
        ),
    ] = setting("publish.only_reviewed")
    paper: Annotated[
        str | None, typer.Option("--paper", help="a4 (default) or letter (PDF, Word, print).")
    ] = setting("publish.paper")
    index_language: Annotated[
        str | None,
        typer.Option(
            "--index-language", help="Language of output/index.html (default: the first --to)."
        ),
    ] = setting("publish.index_language")


@group
class CheckFlags:
    """What ``pipeline check`` reports, and whether it gates."""

    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text: one line per finding, compiler style (default); table; json: "
            "a list of objects.",
        ),
    ] = "text"
    severity: Annotated[
        str | None,
        typer.Option("--severity", help="error: errors only; warning: everything (default)."),
    ] = None
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            help="Only these checks, comma-separated or repeated (e.g. numbers,urls); "
            "an unknown name lists the valid ones.",
        ),
    ] = None
    reviewed_only: Annotated[
        bool,
        typer.Option(
            "--reviewed-only", help="Only entries a person confirmed (translated, not fuzzy)."
        ),
    ] = False
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when errors are found.")
    ] = False


@group
class BatchOptions:
    """How a batch runs and reports."""

    as_json: AsJson = False
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False
    fail_fast: Annotated[
        bool,
        typer.Option(
            "--fail-fast",
            help="Stop at the first unusable document (default: skip it, report it, "
            "process the others, exit 2).",
        ),
    ] = False
    log: Annotated[
        Path | None,
        typer.Option(
            "--log",
            help="Append timestamped lines (start, each document's result, end with the "
            "exit status) to this file, for cron jobs.",
            metavar="FILE",
        ),
    ] = None
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Documents processed in parallel, like make -j (0: one per CPU core on "
            "batches of 32 documents or more; 1: in this process). Outputs are the same.",
        ),
    ] = setting("jobs")


# -- the decorator ---------------------------------------------------------------


def _is_group(annotation: object) -> bool:
    return isinstance(annotation, type) and getattr(annotation, "__option_group__", False)


def command(app: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
    """Register ``func`` as a command of ``app``, expanding its option-group parameters.

    A parameter annotated with an option group (its default may be ``...``)
    becomes that group's options on the command line; the function receives
    the group filled in. Other parameters are passed through to Typer as they are.
    """

    def decorate(func: Callable) -> Callable:
        hints = typing.get_type_hints(func, include_extras=True)
        groups: dict[str, type] = {}
        parameters: list[inspect.Parameter] = []
        for name, parameter in inspect.signature(func).parameters.items():
            annotation = hints.get(name, parameter.annotation)
            if _is_group(annotation):
                groups[name] = annotation
                parameters += _group_parameters(annotation)
            else:
                keyword = inspect.Parameter.KEYWORD_ONLY
                parameters.append(parameter.replace(kind=keyword, annotation=annotation))

        @functools.wraps(func)
        def wrapper(**values: Any) -> Any:
            for name, cls in groups.items():
                names = [f.name for f in dataclasses.fields(cls)]
                values[name] = cls(**{n: values.pop(n) for n in names})
            return func(**values)

        del wrapper.__wrapped__  # Typer must see the expanded signature, not func's
        wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return app.command(*args, **kwargs)(wrapper)

    return decorate


def _group_parameters(cls: type) -> list[inspect.Parameter]:
    """One keyword parameter per field of an option group, with its Typer annotation."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return [
        inspect.Parameter(
            field.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=field.default,
            annotation=hints[field.name],
        )
        for field in dataclasses.fields(cls)
    ]
