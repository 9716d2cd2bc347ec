"""The library API: what the CLI runs, callable directly from Python.

Each function is one step a user asks for — :func:`extract`,
:func:`translate`, :func:`publish`, :func:`run` (all three) and
:func:`status` — over a set of transcripts. The stages themselves live in
their own modules (ingest, segment, catalog, engine, publish); this module
only sequences them, holds the lock on the translations directory and checks
every input before anything is written.

Example::

    from pipeline import api
    project = api.Project(translations_dir="translations", output_dir="output")
    sources = api.find_sources(["examples/transcript.txt"])
    api.run(project, sources, ["fr"])
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import glob
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import catalog
from pipeline.document import (
    Block,
    Document,
    Segment,
    Status,
    TranslatedBlock,
    TranslatedDocument,
    TranslatedSegment,
)
from pipeline.engine import EngineOptions
from pipeline.errors import UserError

if TYPE_CHECKING:
    from pipeline.compendium import Compendium
    from pipeline.engine import Route, RouteEngine
    from pipeline.ingest import Part
    from pipeline.mtcache import TranslationCache
    from pipeline.pending import PendingSentences
    from pipeline.publish import PublishedFile, PublishOptions
    from pipeline.publish.manifest import PublishedManifest
    from pipeline.segment import SegmentMemo

LOCK_FILE = ".pipeline.lock"
CACHE_CHUNK = 256  # sentences committed to the MT cache at a time
MT_CHUNK = 8192  # pending sentences handed to the engine at a time (bounds memory)


# ---------------------------------------------------------------------------
# Configuration and inputs


@dataclass
class Project:
    """Where catalogs and outputs live, and how to read and translate."""

    translations_dir: Path = Path("translations")
    output_dir: Path = Path("output")
    source_language: str = "en"
    encoding: str = "utf-8"
    engine: EngineOptions = field(default_factory=EngineOptions)
    use_cache: bool = True
    lock_timeout: float = field(default_factory=lambda: _env_seconds("PIPELINE_LOCK_TIMEOUT", 10.0))
    pivot: str | None = None  # translate through this language where no direct model exists
    executor: str = "local"  # "ray": Ray actors (pip install .[ray]); the cache stays here

    def __post_init__(self) -> None:
        self.translations_dir = Path(self.translations_dir)
        self.output_dir = Path(self.output_dir)


def _env_seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        raise UserError(f"{name}={os.environ[name]!r}: expected a number of seconds") from None


@dataclass(frozen=True)
class Source:
    """A transcript file (or one part of a large one) and the name its catalogs and
    outputs are filed under."""

    path: Path
    name: str  # file stem, or relative path without suffix when a directory was walked
    part: Part | None = None  # set for a part of a large file (see split_large_sources)
    file_name: str = ""  # for a part: the whole file's name

    @property
    def family(self) -> str:
        """The whole file's name: parts of one file share it."""
        return self.file_name or self.name


def split_large_sources(sources: Sequence[Source], encoding: str = "utf-8") -> list[Source]:
    """Each large transcript replaced by its parts (see :func:`pipeline.ingest.plan_parts`).

    A part is a document of its own for every stage — its own POT and PO
    files and outputs, named ``<name>.part-0001`` … — so a 200 MB transcript
    streams through the pipeline in bounded memory like an archive of small
    ones, and its catalogs stay small enough for a PO editor to open.
    """
    from pipeline.ingest import part_name, plan_parts

    expanded: list[Source] = []
    for source in sources:
        parts = plan_parts(source.path, encoding) if source.part is None else []
        if not parts:
            expanded.append(source)
            continue
        expanded.extend(
            Source(source.path, part_name(source.name, part.number), part, source.name)
            for part in parts
        )
    _refuse_clashing_names(expanded)
    return expanded


def _refuse_clashing_names(sources: Sequence[Source]) -> None:
    """A part's name must not be another file's ("big.part-0001.txt" beside a large "big.txt")."""
    seen: dict[str, Source] = {}
    for source in sources:
        other = seen.setdefault(source.name, source)
        if other is not source:
            first, second = sorted([other, source], key=lambda s: s.part is None)
            raise UserError(
                f"{second.path}: its name {source.name!r} is also the name of a part of the "
                f"large file {first.path}; rename one of them"
            )


class Progress:
    """Progress callbacks; the default does nothing (the CLI passes a rich one)."""

    def start(self, description: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def finish(self) -> None: ...


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


def find_sources(paths: Sequence[str | Path], include: str = "*.txt") -> list[Source]:
    """Expand files, directories (walked, names mirror relative paths) and glob patterns.

    The same file named twice is used once; two different files that would be
    filed under the same name are refused.
    """
    sources: dict[str, Source] = {}
    seen: set[Path] = set()
    for raw in paths:
        for source in _expand(Path(raw), str(raw), include):
            resolved = source.path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            other = sources.get(source.name)
            if other is not None:
                raise UserError(
                    f"{source.path}: same name {source.name!r} as {other.path}; "
                    f"pass their common directory instead so names mirror the tree"
                )
            sources[source.name] = source
    if not sources:
        raise UserError("no transcripts given")
    return list(sources.values())


def _expand(path: Path, raw: str, include: str) -> Iterator[Source]:
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*") if p.is_file() and fnmatch.fnmatch(p.name, include)
        )
        if not found:
            raise UserError(f"{path}: no files matching {include!r} in this directory")
        for file in found:
            relative = file.relative_to(path).with_suffix("")
            yield Source(file, relative.as_posix())
    elif path.exists():
        yield Source(path, path.stem)
    elif glob.has_magic(raw):
        matches = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
        if not matches:
            raise UserError(f"{raw}: no files match this pattern")
        for file in matches:
            yield Source(file, file.stem)
    else:
        raise UserError(f"{path}: no such file or directory")


def load_document(source: Source, project: Project) -> Document:
    from pipeline.ingest import ingest_file

    return ingest_file(
        source.path,
        name=source.name,
        language=project.source_language,
        encoding=project.encoding,
        part=source.part,
    )


def segment_document(document: Document) -> list[tuple[Block, list[Segment]]]:
    """Each block with its sentences (remembered for the rest of a ``run``, see
    :class:`pipeline.segment.SegmentMemo`)."""
    from pipeline.segment import sentences_of

    memo = _SEGMENT_MEMO.get()
    split = memo.sentences if memo is not None else sentences_of
    return [(block, list(split(block.text, document.language))) for block in document.blocks]


_SEGMENT_MEMO: contextvars.ContextVar[SegmentMemo | None] = contextvars.ContextVar(
    "segment_memo", default=None
)


@contextlib.contextmanager
def _segmenting_once() -> Iterator[None]:
    """Within this context, each distinct block is segmented once (extract, then publish)."""
    from pipeline.segment import SegmentMemo

    with SegmentMemo() as memo:
        token = _SEGMENT_MEMO.set(memo)
        try:
            yield
        finally:
            _SEGMENT_MEMO.reset(token)


@contextlib.contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold the translations directory's lock: two runs never interleave their writes."""
    from filelock import FileLock, Timeout

    project.translations_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(project.translations_dir / LOCK_FILE))
    try:
        lock.acquire(timeout=project.lock_timeout)
    except Timeout:
        raise UserError(
            f"{project.translations_dir}: another pipeline run holds {LOCK_FILE}; "
            f"waited {project.lock_timeout:g} s, try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _locked_unless(project: Project, held: bool) -> contextlib.AbstractContextManager[None]:
    """The lock, unless the caller (``run``) already holds it for the whole job."""
    return contextlib.nullcontext() if held else locked(project)


def _prepare(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    progress: Progress | None = None,
) -> list[Source]:
    """Fail before writing anything: languages, then every source file (or part of one);
    return the sources with large files split into parts."""
    validate_language(project.source_language)
    for language in languages:
        validate_language(language)
        if language == project.source_language:
            raise UserError(f"--to {language}: same as the source language")
    expanded = split_large_sources(sources, project.encoding)
    progress = progress or Progress()
    progress.start("Reading", len(expanded))
    for source in expanded:
        load_document(source, project)  # raises UserError on unreadable input
        progress.advance()
    progress.finish()
    return expanded


# ---------------------------------------------------------------------------
# Extract


@dataclass
class StepReport:
    """What a step did: files written and, for translate, segments translated.

    Published files are counted, not listed (they are recorded on disk in the
    output manifest), so a report stays small however large the archive.
    """

    written: set[str] = field(default_factory=set)  # POT/PO files written
    translated: dict[str, int] = field(default_factory=dict)  # language -> machine-translated
    from_cache: dict[str, int] = field(default_factory=dict)
    published: int = 0  # files published, written or found up to date
    published_written: int = 0  # of which actually (re)written
    notes: list[str] = field(default_factory=list)  # things the user should know

    @property
    def files_written(self) -> int:
        """Distinct files written: catalogs and published documents."""
        return len(self.written) + self.published_written

    def count_published(self, files: Sequence[PublishedFile]) -> None:
        self.published += len(files)
        self.published_written += sum(1 for f in files if f.written)


def extract(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str] = (),
    progress: Progress | None = None,
    *,
    _checked: bool = False,
) -> StepReport:
    """Write each document's POT template and merge it into its PO files (no translation)."""
    if not _checked:
        sources = _prepare(project, sources, languages, progress)
    report = StepReport()
    progress = progress or Progress()
    with _locked_unless(project, held=_checked), _PartMemory(project) as memory:
        progress.start("Extracting", len(sources))
        for source in sources:
            _extract_one(project, source, languages, report, memory)
            progress.advance()
        progress.finish()
    report.notes += [
        f"{path}: no part of the transcript uses this catalog any more (its translations "
        "were carried over); delete it when you no longer need it"
        for path in memory.stale
    ]
    return report


def _extract_one(
    project: Project,
    source: Source,
    languages: Sequence[str],
    report: StepReport,
    memory: _PartMemory,
) -> None:
    document = load_document(source, project)
    template = catalog.build_template(document, segment_document(document))
    pot_path = catalog.template_path(project.translations_dir, document.name)
    old = catalog.load_catalog(pot_path)
    if old is not None and catalog.same_entries(old.po, template):
        template.metadata["POT-Creation-Date"] = old.po.metadata.get("POT-Creation-Date", "")
    if catalog.save_catalog(template, pot_path, old.fingerprint if old else None):
        report.written.add(str(pot_path))
    for language in languages:
        po_path = catalog.catalog_path(project.translations_dir, language, document.name)
        existing = catalog.load_catalog(po_path, language)
        compendium = memory.compendium(source, language, po_path)
        merged = catalog.merge(template, existing.po if existing else None, language, compendium)
        fingerprint = existing.fingerprint if existing else None
        if catalog.save_with_revision_date(merged, po_path, fingerprint, "PO-Revision-Date"):
            report.written.add(str(po_path))


class _PartMemory:
    """Translations of a large file's old part catalogs, for merging its new parts.

    An edit can move a part boundary, and with it a sentence into the next
    part's catalog; merging with the file's compendium (all its catalogs as
    they were before this run, see :mod:`pipeline.compendium`) lets the
    translation follow the sentence. Built when the file's first part is
    merged, before any of its catalogs is rewritten; one file at a time.
    """

    def __init__(self, project: Project) -> None:
        self._project = project
        self._family: tuple[Path, str] | None = None
        self._compendia: dict[str, Compendium] = {}
        self._old: set[Path] = set()  # the file's catalogs before this run
        self._merged: set[Path] = set()  # those this run merges
        self.stale: list[Path] = []  # catalogs of the file that no part uses any more

    def compendium(
        self, source: Source, language: str, po_path: Path
    ) -> Callable[[str], Any] | None:
        """The lookup for ``source``'s file in ``language`` (merged into ``po_path``),
        or None for a file that is not, and was not, split."""
        from pipeline.ingest import part_name

        root = self._project.translations_dir
        first_part = catalog.catalog_path(root, language, part_name(source.family, 1))
        if source.part is None and not first_part.exists():
            return None  # the usual case
        if self._family != (source.path, source.family):
            self.close()
            self._family = (source.path, source.family)
        if language not in self._compendia:
            self._compendia[language] = self._build(source.family, language)
        self._merged.add(po_path)
        return self._compendia[language].lookup

    def _build(self, family: str, language: str) -> Compendium:
        from pipeline.compendium import Compendium
        from pipeline.ingest import part_glob

        compendium = Compendium()
        whole = catalog.catalog_path(self._project.translations_dir, language, family)
        parts = sorted(whole.parent.glob(part_glob(whole.stem) + ".po"))
        for path in [whole, *parts]:
            loaded = catalog.load_catalog(path, language)
            if loaded is not None:
                compendium.add(loaded.po)
                self._old.add(path)
        return compendium

    def close(self) -> None:
        """Done with the current file: free its compendia, note its unused catalogs."""
        for compendium in self._compendia.values():
            compendium.close()
        self._compendia = {}
        self.stale += sorted(self._old - self._merged)
        self._old, self._merged = set(), set()

    def __enter__(self) -> _PartMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------
# Translate


def required_routes(project: Project, languages: Sequence[str]) -> dict[str, Route]:
    """The installed model(s) for each target language; UserError naming a missing pair.

    With ``project.pivot`` set, a pair with no direct model goes through the
    pivot language (source→pivot, pivot→target).
    """
    from pipeline.engine import Route
    from pipeline.models import find_model, require_model

    routes = {}
    source = project.source_language
    for language in languages:
        direct = find_model(source, language)
        if direct is None and project.pivot and language != project.pivot:
            first = require_model(source, project.pivot)
            routes[language] = Route((first, require_model(project.pivot, language)))
        else:
            routes[language] = Route((direct or require_model(source, language),))
    return routes


def translate(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    progress: Progress | None = None,
    *,
    retranslate_machine: bool = False,
    _checked: bool = False,
) -> StepReport:
    """Machine-translate every entry that needs it, all documents together per language.

    Pass 1 collects the distinct sentences needing translation across all
    documents; they are translated in one stream (cache first) whose results
    are committed to the cache as they come; pass 2 writes them into each PO
    file. Memory is bounded by the distinct pending sentences, not the corpus.
    """
    if not _checked:
        sources = _prepare(project, sources, languages, progress)
    routes = required_routes(project, languages)
    report = StepReport()
    progress = progress or Progress()
    with _locked_unless(project, held=_checked):
        if not _checked:
            extract(project, sources, languages, progress, _checked=True)
        for language in languages:
            _translate_language(
                project, sources, language, routes[language], report, progress, retranslate_machine
            )
    return report


def _translate_language(
    project: Project,
    sources: Sequence[Source],
    language: str,
    route: Route,
    report: StepReport,
    progress: Progress,
    retranslate_machine: bool,
) -> None:
    """Pass 1 collects the distinct pending sentences of all documents (on disk, see
    :mod:`pipeline.pending`), they are translated, pass 2 writes them into each PO file."""
    from pipeline.pending import PendingSentences

    with PendingSentences() as pending:
        _collect_pending(project, sources, language, retranslate_machine, pending)
        _machine_translate(project, route, language, pending, report, progress)
        for source in sources:
            po_path = catalog.catalog_path(project.translations_dir, language, source.name)
            loaded = catalog.load_catalog(po_path, language)
            if loaded is None:
                continue
            changed = False
            for entry in loaded.po:
                if catalog.needs_machine_translation(entry, retranslate_machine):
                    translation = pending.translation(entry.msgid)
                    if translation is not None:
                        catalog.set_machine_translation(entry, translation, route.label)
                        changed = True
            if changed and catalog.save_with_revision_date(
                loaded.po, po_path, loaded.fingerprint, "PO-Revision-Date"
            ):
                report.written.add(str(po_path))


def _collect_pending(
    project: Project,
    sources: Sequence[Source],
    language: str,
    retranslate_machine: bool,
    pending: PendingSentences,
) -> None:
    for source in sources:
        po_path = catalog.catalog_path(project.translations_dir, language, source.name)
        loaded = catalog.load_catalog(po_path, language)
        if loaded is not None:
            pending.add(
                entry.msgid
                for entry in loaded.po
                if catalog.needs_machine_translation(entry, retranslate_machine)
            )


def _machine_translate(
    project: Project,
    route: Route,
    language: str,
    pending: PendingSentences,
    report: StepReport,
    progress: Progress,
) -> None:
    """Record a translation for every pending sentence: from the cache, else from the engine.

    Sentences go to the engine MT_CHUNK at a time (memory stays flat however
    many there are) and its results are committed to the cache as they come,
    so an interrupted run resumes where it stopped.
    """
    from pipeline.mtcache import CACHE_FILE, TranslationCache

    if not len(pending):
        return
    cache = (
        TranslationCache(
            project.translations_dir / CACHE_FILE,
            *route.cache_key,
            project.source_language,
            language,
        )
        if project.use_cache
        else None
    )
    try:
        from_cache = 0
        for chunk in pending.chunks(MT_CHUNK) if cache else ():
            found = cache.lookup(chunk)
            pending.set_translations(found.items())
            from_cache += len(found)
        report.from_cache[language] = from_cache
        missing = pending.untranslated()
        report.translated[language] = missing
        if missing:
            engine = _open_engine(project, route)
            try:
                progress.start(f"Translating {project.source_language}→{language}", missing)
                for chunk in pending.chunks(MT_CHUNK, untranslated_only=True):
                    _translate_chunk(engine, chunk, cache, pending, progress)
                progress.finish()
            finally:
                if hasattr(engine, "close"):
                    engine.close()
    finally:
        if cache:
            cache.close()


def _open_engine(project: Project, route: Route) -> Any:
    """The local CTranslate2 engine, or Ray actors with ``executor="ray"`` (optional extra)."""
    if project.executor == "ray":
        from pipeline.distributed import RayEngine

        return RayEngine(route, project.engine)
    if project.executor != "local":
        raise UserError(f"--executor {project.executor}: expected local or ray")
    return route.open(project.engine)


def _translate_chunk(
    engine: RouteEngine,
    chunk: list[str],
    cache: TranslationCache | None,
    pending: PendingSentences,
    progress: Progress,
) -> None:
    """Translate one chunk, committing results to the cache CACHE_CHUNK at a time."""
    batch: list[tuple[str, str]] = []
    for index, translation in engine.translate_stream(chunk, progress.advance):
        batch.append((chunk[index], translation))
        if len(batch) >= CACHE_CHUNK:
            _record(batch, cache, pending)
            batch = []
    _record(batch, cache, pending)


def _record(
    batch: list[tuple[str, str]], cache: TranslationCache | None, pending: PendingSentences
) -> None:
    if batch:
        if cache:
            cache.store(batch)
        pending.set_translations(batch)


# ---------------------------------------------------------------------------
# Publish


def translated_document(
    document: Document, po: object | None, target_language: str
) -> TranslatedDocument:
    """Pair each sentence with its published text: reviewed > machine > source."""
    entries = {e.msgid: e for e in po if not e.obsolete} if po is not None else {}  # type: ignore[attr-defined]
    blocks = []
    for block, segments in segment_document(document):
        translated = []
        for index, segment in enumerate(segments):
            end = segments[index + 1].start if index + 1 < len(segments) else len(block.text)
            separator = block.text[segment.end : end]
            target, status = _published_text(entries.get(segment.text), segment.text)
            translated.append(TranslatedSegment(segment.text, target, status, separator))
        blocks.append(TranslatedBlock(block, translated))
    return TranslatedDocument(document, target_language, blocks)


def _published_text(entry: object | None, source: str) -> tuple[str, Status]:
    if entry is None:
        return source, Status.SOURCE
    state = catalog.entry_state(entry)  # type: ignore[arg-type]
    if state is catalog.EntryState.REVIEWED:
        return entry.msgstr, Status.REVIEWED  # type: ignore[attr-defined]
    if state is catalog.EntryState.MACHINE:
        return entry.msgstr, Status.MACHINE  # type: ignore[attr-defined]
    return source, Status.SOURCE


def publish(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    formats: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    options: PublishOptions | None = None,
    _checked: bool = False,
) -> StepReport:
    """Write the translated and bilingual documents, then ``output/index.html``.

    ``options`` (:class:`pipeline.publish.PublishOptions`) holds formats, style,
    paper and the review gates: ``require_reviewed`` refuses to publish unless
    every entry is reviewed; ``min_reviewed`` (percent) skips documents less
    reviewed than that, as po4a's ``--keep`` does; ``only_reviewed`` publishes
    and indexes only documents that pass. ``formats``, when given, replaces
    ``options.formats``.
    """
    import dataclasses

    from pipeline import publish as writers
    from pipeline.publish.manifest import PublishedManifest

    options = options or writers.PublishOptions()
    if formats:
        options = dataclasses.replace(options, formats=tuple(formats))
    if options.index_language is None and languages:
        options = dataclasses.replace(options, index_language=languages[0])
    if not _checked:
        sources = _prepare(project, sources, languages, progress)
    report = StepReport()
    progress = progress or Progress()
    with _locked_unless(project, held=_checked):
        if options.require_reviewed:
            _refuse_unreviewed(_translated_documents(project, sources, languages))
        progress.start("Publishing", len(sources) * len(languages))
        manifest = None
        try:
            documents = _translated_documents(project, sources, languages)
            for _, group in itertools.groupby(documents, key=lambda t: t.document.name):
                tdocs = list(group)  # one document in each language (hreflang between them)
                files = writers.publish_languages(tdocs, project.output_dir, options)
                if files:
                    manifest = manifest or PublishedManifest(project.output_dir)
                    manifest.record(files)
                    report.count_published(files)
                progress.advance(len(tdocs))
            if manifest is not None:
                _remove_stale_part_outputs(manifest, sources, languages)
        finally:
            if manifest is not None:
                manifest.close()
        progress.finish()
        if report.published or options.only_reviewed:
            writers.write_index(project.output_dir, options=options)
    return report


def _remove_stale_part_outputs(
    manifest: PublishedManifest, sources: Sequence[Source], languages: Sequence[str]
) -> None:
    """Outputs of parts a large file no longer has (it was cut differently, or is no
    longer cut) leave the output directory and the index."""
    for family, group in itertools.groupby(sources, key=lambda s: s.family):
        manifest.remove_stale_parts(family, {s.name for s in group}, languages)


def _translated_documents(
    project: Project, sources: Sequence[Source], languages: Sequence[str]
) -> Iterator[TranslatedDocument]:
    """One document and language at a time: memory does not grow with the archive."""
    for source in sources:
        document = load_document(source, project)
        for language in languages:
            po_path = catalog.catalog_path(project.translations_dir, language, document.name)
            loaded = catalog.load_catalog(po_path, language)
            yield translated_document(document, loaded.po if loaded else None, language)


def _refuse_unreviewed(documents: Iterable[TranslatedDocument]) -> None:
    missing = [
        f"{d.document.name} [{d.target_language}]: "
        f"{d.count(Status.MACHINE) + d.count(Status.SOURCE)} not reviewed"
        for d in documents
        if d.reviewed_ratio < 1.0
    ]
    if missing:
        raise UserError("--require-reviewed: " + "; ".join(missing))


# ---------------------------------------------------------------------------
# Run and status


def run(
    project: Project,
    sources: Sequence[Source],
    languages: Sequence[str],
    formats: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    retranslate_machine: bool = False,
    options: PublishOptions | None = None,
) -> StepReport:
    """extract + translate + publish, checking every input and model before writing."""
    sources = _prepare(project, sources, languages, progress)
    required_routes(project, languages)
    with locked(project), _segmenting_once():
        report = extract(project, sources, languages, progress, _checked=True)
        translated = translate(
            project,
            sources,
            languages,
            progress,
            _checked=True,
            retranslate_machine=retranslate_machine,
        )
        published = publish(
            project,
            sources,
            languages,
            formats,
            progress,
            options=options,
            _checked=True,
        )
    report.written |= translated.written | published.written
    report.notes += translated.notes + published.notes
    report.translated, report.from_cache = translated.translated, translated.from_cache
    report.published, report.published_written = published.published, published.published_written
    return report


@dataclass(frozen=True)
class CatalogStatus:
    document: str
    language: str
    total: int
    reviewed: int
    machine: int
    fuzzy: int
    untranslated: int

    @property
    def reviewed_percent(self) -> float:
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def to_dict(self) -> dict[str, object]:
        return {
            "document": self.document,
            "language": self.language,
            "total": self.total,
            "reviewed": self.reviewed,
            "machine": self.machine,
            "untranslated": self.untranslated,
            "fuzzy": self.fuzzy,
            "reviewed_percent": round(self.reviewed_percent, 1),
        }


def discover_catalogs(
    project: Project, languages: Sequence[str] = ()
) -> list[tuple[str, str, Path]]:
    """(document, language, path) of every PO file under the translations directory."""
    root = project.translations_dir
    found = []
    if not root.is_dir():
        return found
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "templates"):
        if languages and lang_dir.name not in languages:
            continue
        for po_path in sorted(lang_dir.rglob("*.po")):
            name = po_path.relative_to(lang_dir).with_suffix("").as_posix()
            found.append((name, lang_dir.name, po_path))
    return found


def status(project: Project, languages: Sequence[str] = ()) -> list[CatalogStatus]:
    """Entry counts per document and language, read from the PO files."""
    result = []
    for name, language, path in discover_catalogs(project, languages):
        loaded = catalog.load_catalog(path, language)
        counts = catalog.counts(loaded.po) if loaded else {}
        result.append(
            CatalogStatus(
                name,
                language,
                counts.get("total", 0),
                counts.get("reviewed", 0),
                counts.get("machine", 0),
                counts.get("fuzzy", 0),
                counts.get("untranslated", 0),
            )
        )
    return result
