"""The settings a project file holds, and the schema of ``pipeline.toml``.

:class:`ProjectSettings` (frozen; its defaults are the command line's defaults) has
one nested dataclass per table of the file. :data:`KEYS` lists every key the file
accepts, in the order the example file shows them, each with the converter that
checks its value and the comment written above it by ``pipeline init``; reading
(:func:`pipeline.project.file.load_project_file`) and writing use this one list, so
the example always documents every key.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.publish import PublishOptions as PublishSettings  # ``[publish]`` is the options

AUTO = "auto"  # source_language: detect each document's language


# ---------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class SourceSettings:
    """``[sources]``: where the transcripts are and which files count."""

    roots: tuple[Path, ...] = (Path("."),)
    include: tuple[str, ...] = ("*.txt",)
    exclude: tuple[str, ...] = ()
    encoding: str = "utf-8"


@dataclass(frozen=True)
class MemorySettings:
    """``[memory]``: the translation memory (issue #15)."""

    enabled: bool = True
    exact: str = "translate"  # exact matches filled as translations, or "fuzzy"
    min_score: float = 75.0  # percent: fuzzy matches below are not used


@dataclass(frozen=True)
class TermSettings:
    """``[terms]``: glossaries (issue #17)."""

    files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class EngineSettings:
    """``[engine]``: how machine translation runs."""

    device: str = "cpu"
    threads: int = 0  # 0: all cores
    pivot: str | None = None
    executor: str = "local"
    cache: bool = True


@dataclass(frozen=True)
class ProjectSettings:
    """A project's settings; the defaults are the command line's defaults.

    Paths are as written, relative to ``root``; :meth:`resolved` (applied by
    :func:`load_project_file`) makes them absolute. ``file`` is the project file
    they came from, None for the defaults (not compared).
    """

    root: Path = Path(".")
    source_language: str = "en"  # or AUTO
    target_languages: tuple[str, ...] = ()
    strict_language: bool = False
    translations_dir: Path = Path("translations")
    output_dir: Path = Path("output")
    jobs: int = 0  # 0: one per core
    sources: SourceSettings = field(default_factory=SourceSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)
    terms: TermSettings = field(default_factory=TermSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    file: Path | None = field(default=None, compare=False)

    def resolved(self, root: Path) -> ProjectSettings:
        """These settings with ``root`` made absolute and every relative path joined to it."""
        root = Path(os.path.abspath(root))

        def join(path: Path) -> Path:
            return Path(os.path.abspath(root / path.expanduser()))

        return dataclasses.replace(
            self,
            root=root,
            translations_dir=join(self.translations_dir),
            output_dir=join(self.output_dir),
            sources=dataclasses.replace(
                self.sources, roots=tuple(join(p) for p in self.sources.roots)
            ),
            terms=dataclasses.replace(self.terms, files=tuple(join(p) for p in self.terms.files)),
        )


# ---------------------------------------------------------------------------
# Schema: one entry per key, in the order the example file lists them


class BadValue(ValueError):
    """A value of the right key that cannot be used; the message says why."""


Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Key:
    """One key of the file: dotted name (table.key), converter, the example's comment,
    and for keys whose default is None, a value shown commented out."""

    name: str
    convert: Converter
    doc: str
    example: str | None = None

    @property
    def table(self) -> str | None:
        return self.name.split(".")[0] if "." in self.name else None

    @property
    def attribute(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def show(value: object) -> str:
    """A value as TOML spells it, for messages and the example file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Path):
        return json.dumps(value.as_posix(), ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _string(*choices: str) -> Converter:
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise BadValue(f"expected a string, got {show(value)}")
        if choices and value not in choices:
            raise BadValue(f"expected {' or '.join(map(show, choices))}, got {show(value)}")
        return value

    return convert


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"expected true or false, got {show(value)}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadValue(f"expected a whole number ≥ 0, got {show(value)}")
    return value


def _percent(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise BadValue(f"expected a number from 0 to 100, got {show(value)}")
    return float(value)


def _strings(value: Any) -> tuple[str, ...]:
    """A list of strings (a single string is a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise BadValue(f"expected a list of strings, got {show(value)}")
    return tuple(items)


def _language(value: Any) -> str:
    from pipeline.text.languages import normalize_language

    try:
        return normalize_language(_string()(value))
    except ValueError as exc:
        raise BadValue(str(exc)) from None


def _source_language(value: Any) -> str:
    return AUTO if value == AUTO else _language(value)


def _optional_language(value: Any) -> str | None:
    return None if value == "" else _language(value)


def _languages(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_language(code) for code in _strings(value)))


def _paths(value: Any) -> tuple[Path, ...]:
    return tuple(_path(item) for item in _strings(value))


def _path(value: Any) -> Path:
    if not _string()(value).strip():
        raise BadValue("expected a path, got an empty string")
    return Path(value)


def _patterns(value: Any) -> tuple[str, ...]:
    patterns = _strings(value)
    for pattern in patterns:
        if not pattern.strip() or pattern.startswith("/") or ".." in pattern.split("/"):
            raise BadValue(f"{show(pattern)}: expected a pattern relative to a source root")
    return patterns


def _formats(value: Any) -> tuple[str, ...]:
    from pipeline.publish import FORMATS

    formats = _strings(value)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise BadValue(f"got {show(unknown or formats)}; valid formats: {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(formats))


def _encoding(value: Any) -> str:
    import codecs

    try:
        codecs.lookup(_string()(value))
    except LookupError:
        raise BadValue(f"unknown text encoding {show(value)}") from None
    return value


KEYS: tuple[Key, ...] = (
    Key(
        "source_language",
        _source_language,
        'Language of the transcripts: a code such as "en", "fr" or "pt_BR", or "auto"\n'
        "to detect each document's language (a French transcript then goes fr→en).",
    ),
    Key(
        "target_languages",
        _languages,
        "Languages to translate into; a run without --to does all of them.",
        example='["fr", "de"]',
    ),
    Key(
        "strict_language",
        _boolean,
        "With a fixed source_language, a document detected with high confidence as\n"
        "another language is skipped (true) or translated with a warning (false).",
    ),
    Key(
        "translations_dir",
        _path,
        "POT templates, PO files (one directory per language), MT cache, memory.",
    ),
    Key("output_dir", _path, "Published documents and index.html."),
    Key("jobs", _count, "Documents processed in parallel (0: one per CPU core)."),
    Key(
        "sources.roots",
        _paths,
        "Directories holding the transcripts. A document is named by its path under\n"
        'its root, without extension: speeches/2019/nato.txt is "2019/nato" when\n'
        'roots = ["speeches"]; its catalogs are translations/<lang>/2019/nato.po.',
    ),
    Key(
        "sources.include",
        _patterns,
        "Files to take: glob patterns relative to a root. A pattern without '/'\n"
        'matches file names at any depth ("*.txt"); "**" matches any number of\n'
        'directories ("2019/**/*.txt").',
    ),
    Key(
        "sources.exclude",
        _patterns,
        "Files and directories to leave out, same patterns; a name without '/' leaves\n"
        'out every file or directory of that name ("drafts"). The translations and\n'
        "output directories and hidden directories are always left out.",
        example='["drafts", "*.orig.txt"]',
    ),
    Key("sources.encoding", _encoding, "Text encoding of the transcripts."),
    Key(
        "publish.formats",
        _formats,
        "Formats to publish: txt, md, html, docx (translated document), bilingual-html,\n"
        "bilingual-md (side by side), tmx, xliff (for CAT tools).",
    ),
    Key(
        "publish.style",
        _string("review", "public"),
        '"review": machine-translated sentences marked, review bar and legend;\n'
        '"public": clean pages with a notice where a sentence is machine-translated.',
    ),
    Key("publish.paper", _string("a4", "letter"), 'Paper size of PDF files: "a4" or "letter".'),
    Key(
        "publish.only_reviewed",
        _boolean,
        "Publish only fully reviewed documents (a public set); the index lists only those.",
    ),
    Key(
        "publish.min_reviewed",
        _percent,
        "Publish only documents at least this percent reviewed (0: all documents),\n"
        "as po4a's --keep does.",
    ),
    Key(
        "publish.require_reviewed",
        _boolean,
        "Stop with an error instead of publishing a document that is not fully reviewed.",
    ),
    Key(
        "publish.index_language",
        _optional_language,
        "Language of index.html's interface (left out: the first target language).",
        example='"fr"',
    ),
    Key(
        "publish.mark_least_confident",
        _percent,
        "Review style: mark the least confident machine translations of each document,\n"
        "this percent of them (0: none), so that reviewers start where the model was unsure.",
    ),
    Key(
        "publish.tmx_include_machine",
        _boolean,
        "Also put machine translations, marked as such, in TMX files.",
    ),
    Key(
        "memory.enabled",
        _boolean,
        "Reuse reviewed translations from every catalog of the project (translations/\n"
        "memory.sqlite3) before machine translation.",
    ),
    Key(
        "memory.exact",
        _string("translate", "fuzzy"),
        'Exact matches: "translate" fills them as reviewed translations (as msgmerge -C\n'
        'does); "fuzzy" marks them for review.',
    ),
    Key(
        "memory.min_score",
        _percent,
        "Similar sentences scoring at least this (percent) are offered as fuzzy entries.",
    ),
    Key(
        "terms.files",
        _paths,
        "Glossaries (CSV, TSV or TBX) imported before each run; their terms are shown\n"
        'to translators ("#. terms: NATO → OTAN") and checked by `pipeline check`.',
        example='["glossary.csv"]',
    ),
    Key("engine.device", _string("cpu", "cuda"), 'Where CTranslate2 runs: "cpu" or "cuda".'),
    Key("engine.threads", _count, "CPU threads for translation (0: all cores)."),
    Key(
        "engine.pivot",
        _optional_language,
        "Where no direct model exists, translate through this language (e.g. de→en→fr;\n"
        "lower quality, both models named in the PO comments). Left out: no pivot.",
        example='"en"',
    ),
    Key(
        "engine.executor",
        _string("local", "ray"),
        '"local", or "ray" to translate on a Ray cluster (pip install \'.[ray]\').',
    ),
    Key(
        "engine.cache",
        _boolean,
        "Keep machine translations in translations/mt-cache.sqlite3, so that no\n"
        "sentence is translated twice.",
    ),
)
BY_NAME = {key.name: key for key in KEYS}
TABLES: dict[str, str] = {
    "sources": "Where the transcripts are.",
    "publish": "What `pipeline publish` and `pipeline run` write.",
    "memory": "The translation memory.",
    "terms": "Terminology.",
    "engine": "Machine translation.",
}
