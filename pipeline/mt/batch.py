"""Machine-translate a set of pending sentences: from the MT cache first, else the engine.

Sentences go to the engine :data:`MT_CHUNK` at a time (memory stays flat
however many there are) and its results are committed to the cache
:data:`CACHE_CHUNK` at a time as they come, so an interrupted run resumes
where it stopped and never translates a sentence twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UserError

if TYPE_CHECKING:
    from pipeline.mt.cache import TranslationCache
    from pipeline.mt.engine import EngineOptions, Route, RouteEngine
    from pipeline.mt.pending import PendingSentences

CACHE_CHUNK = 256  # sentences committed to the MT cache at a time
MT_CHUNK = 8192  # pending sentences handed to the engine at a time (bounds memory)
EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class BatchCounts:
    """How the pending sentences got their translations."""

    from_cache: int = 0
    translated: int = 0
    notes: tuple[str, ...] = ()  # e.g. a damaged cache set aside and started afresh


@dataclass(frozen=True)
class BatchSettings:
    """Where the cache lives (None: no cache) and how to run the engine."""

    cache_path: Path | None
    source_language: str
    target_language: str
    options: EngineOptions
    executor: str = "local"


def translate_pending(
    pending: PendingSentences, route: Route, settings: BatchSettings, progress: Any
) -> BatchCounts:
    """Record a translation for every pending sentence: from the cache, else from the engine."""
    if not len(pending):
        return BatchCounts()
    cache = _open_cache(route, settings)
    try:
        from_cache = 0
        for chunk in pending.chunks(MT_CHUNK) if cache else ():
            found = cache.lookup_scored(chunk)
            pending.set_scored_translations((s, t.text, t.score) for s, t in found.items())
            from_cache += len(found)
        missing = pending.untranslated()
        if missing:
            _translate_missing(pending, route, settings, cache, progress, missing)
        return BatchCounts(from_cache, missing, tuple(cache.notes) if cache else ())
    finally:
        if cache:
            cache.close()


def _open_cache(route: Route, settings: BatchSettings) -> TranslationCache | None:
    from pipeline.mt.cache import TranslationCache

    if settings.cache_path is None:
        return None
    engine, version = route.cache_key
    return TranslationCache(
        settings.cache_path, engine, version, settings.source_language, settings.target_language
    )


def _translate_missing(
    pending: PendingSentences,
    route: Route,
    settings: BatchSettings,
    cache: TranslationCache | None,
    progress: Any,
    missing: int,
) -> None:
    engine = open_engine(route, settings.options, settings.executor)
    try:
        pair = f"{settings.source_language}→{settings.target_language}"
        progress.start(f"Translating {pair}", missing)
        for chunk in pending.chunks(MT_CHUNK, untranslated_only=True):
            _translate_chunk(engine, chunk, cache, pending, progress)
        progress.finish()
    finally:
        if hasattr(engine, "close"):
            engine.close()


def open_engine(route: Route, options: EngineOptions, executor: str = "local") -> Any:
    """The local CTranslate2 engine, or Ray actors with ``executor="ray"`` (optional extra)."""
    if executor == "ray":
        from pipeline.mt.distributed import RayEngine

        return RayEngine(route, options)
    if executor != "local":
        raise UserError(f"--executor {executor}: expected {' or '.join(EXECUTORS)}")
    return route.open(options)


def _translate_chunk(
    engine: RouteEngine,
    chunk: list[str],
    cache: TranslationCache | None,
    pending: PendingSentences,
    progress: Any,
) -> None:
    """Translate one chunk, committing results (with the model's scores) to the cache
    CACHE_CHUNK at a time."""
    batch: list[tuple[str, str, float | None]] = []
    for index, found in engine.translate_scored_stream(chunk, progress.advance):
        batch.append((chunk[index], found.text, found.score))
        if len(batch) >= CACHE_CHUNK:
            _record(batch, cache, pending)
            batch = []
    _record(batch, cache, pending)


def _record(
    batch: list[tuple[str, str, float | None]],
    cache: TranslationCache | None,
    pending: PendingSentences,
) -> None:
    if batch:
        if cache:
            cache.store_scored(batch)
        pending.set_scored_translations(batch)
