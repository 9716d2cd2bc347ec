"""Translate: machine-translate every entry that needs it, all documents together per language.

Pass 1 collects the distinct sentences needing translation across all
documents (on disk, see :mod:`pipeline.mt.pending`); they are translated in
one stream, cache first (:mod:`pipeline.mt.batch`); pass 2 writes them into
each PO file, fuzzy and marked as machine translations. Memory is bounded by
the distinct pending sentences, not by the corpus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.gettext import catalog, provenance, states
from pipeline.gettext.states import Origin
from pipeline.mt.confidence import confidence
from pipeline.project import Project
from pipeline.steps.facts import CatalogFacts
from pipeline.steps.job import Job
from pipeline.steps.sources import Source

if TYPE_CHECKING:
    from pipeline.mt.batch import BatchSettings
    from pipeline.mt.engine import Route
    from pipeline.mt.pending import PendingSentences


Pair = tuple[str, str]  # (source language, target language)


def required_routes(job: Job) -> dict[Pair, Route]:
    """The installed model(s) for every language pair the job needs.

    With ``project.pivot`` set, a pair with no direct model goes through the
    pivot language (source→pivot, pivot→target). A missing model stops the job
    (UserError naming the pair and how to install it), except for documents
    whose language was detected (``--from auto``): those are skipped and reported.
    """
    routes: dict[Pair, Route] = {}
    for pair in sorted(job.pairs()):
        try:
            routes[pair] = _route(job.project, *pair)
        except UserError as error:
            if not job.project.detects_language:
                raise
            for source in job.active():
                if job.language_of(source) == pair[0] and pair[1] in job.targets(source):
                    job.skip(source, error, "model")
    return routes


def _route(project: Project, source: str, target: str) -> Route:
    from pipeline.mt.engine import Route
    from pipeline.mt.models import find_model, require_model

    direct = find_model(source, target)
    if direct is None and project.pivot and target != project.pivot and source != project.pivot:
        return Route((require_model(source, project.pivot), require_model(project.pivot, target)))
    return Route((direct or require_model(source, target),))


def translate(job: Job, routes: dict[Pair, Route], retranslate_machine: bool = False) -> None:
    """Fill the job's catalogs from the translation memory, then machine-translate what is
    left, one language pair at a time."""
    from pipeline.steps import memory as tm

    job.memory = tm.open_for(job)
    try:
        if job.memory is not None:
            tm.sync(job, job.memory)
        for pair in sorted(job.pairs()):
            if pair in routes:
                _translate_pair(job, pair, routes[pair], retranslate_machine)
        if job.memory is not None:
            tm.sync(job, job.memory)  # the catalogs this run wrote, so the next run skips them
    finally:
        if job.memory is not None:
            job.memory.close()
            job.memory = None
    job.report.notes += tm.notes(job.report.memory)
    places = job.report.suggestions
    if places:
        shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
        job.report.notes.append(
            f"{len(places)} edited sentence{'s' if len(places) > 1 else ''} need review (their "
            f"old translation is a fuzzy suggestion; machine translation is published "
            f"meanwhile): {shown}"
        )


def _translate_pair(job: Job, pair: Pair, route: Route, retranslate_machine: bool) -> None:
    """Collect the pending sentences of the pair's documents, translate them, write them
    into each PO file."""
    from pipeline.mt.batch import translate_pending
    from pipeline.mt.pending import PendingSentences

    sources = [s for s in job.active() if (job.language_of(s), pair[1]) == pair]
    language = pair[1]
    with PendingSentences() as pending:
        _collect_pending(job, sources, language, retranslate_machine, pending)
        if len(pending):
            settings = _batch_settings(job.project, pair)
            counts = translate_pending(pending, route, settings, job.progress)
            report = job.report
            report.from_cache[language] = report.from_cache.get(language, 0) + counts.from_cache
            report.translated[language] = report.translated.get(language, 0) + counts.translated
            report.notes += counts.notes
        for source in sources:
            if source.name not in job.failed:
                with job.document(source, "catalog"):
                    _apply(job, source, language, route, pending, retranslate_machine)


def _batch_settings(project: Project, pair: Pair) -> BatchSettings:
    """Cache location and engine settings for translating one language pair."""
    from pipeline.mt.batch import BatchSettings
    from pipeline.mt.cache import CACHE_FILE

    return BatchSettings(
        cache_path=project.translations_dir / CACHE_FILE if project.use_cache else None,
        source_language=pair[0],
        target_language=pair[1],
        options=project.engine,
        executor=project.executor,
    )


def _collect_pending(
    job: Job,
    sources: list[Source],
    language: str,
    retranslate_machine: bool,
    pending: PendingSentences,
) -> None:
    """Every sentence that needs a machine translation: into its entry (untranslated, or
    redone with ``retranslate_machine``), or only into the cache, to be published while
    its entry holds a person's suggestion made for another sentence."""
    for source in sources:
        with job.document(source, "catalog"):
            path = job.project.catalog_path(language, source.name)
            loaded = catalog.load_catalog(path, language)
            if loaded is not None:
                facts = job.catalog_facts(source, language)
                _leverage_memory(job, loaded, facts)
                pending.add(
                    entry.msgid
                    for entry, origin in facts.origins(loaded.po)
                    if not entry.msgid_plural
                    and (
                        states.writes_machine_translation(origin, retranslate_machine)
                        or (
                            states.needs_machine_text(origin)
                            and facts.machine_text(entry.msgid) is None
                        )
                    )
                )


def _leverage_memory(job: Job, loaded: catalog.LoadedCatalog, facts: CatalogFacts) -> None:
    """Fill entries from the translation memory (saved at once; see steps.memory)."""
    from pipeline.memory import MemoryCorrupt
    from pipeline.steps import memory as tm

    if job.memory is None:
        return
    try:
        changed = tm.leverage(job, job.memory, loaded.po, facts, job.report.memory)
    except MemoryCorrupt as error:
        job.report.notes.append(f"{error}; run `pipeline memory rebuild` (PO files are intact)")
        job.memory.close()
        job.memory = None
        return
    if changed and catalog.save_with_revision_date(
        loaded.po, loaded.path, loaded.fingerprint, "PO-Revision-Date"
    ):
        job.report.written.add(str(loaded.path))
    facts.commit()


def _apply(
    job: Job,
    source: Source,
    language: str,
    route: Route,
    pending: PendingSentences,
    retranslate_machine: bool,
) -> None:
    """Write the translations of ``pending`` into one PO file (if any entry needs one),
    and count the edited sentences whose suggestion waits for a person."""
    po_path = job.project.catalog_path(language, source.name)
    loaded = catalog.load_catalog(po_path, language)
    if loaded is None:
        return
    facts = job.catalog_facts(source, language)
    changed = False
    for entry, origin in list(facts.origins(loaded.po)):
        if origin is Origin.SUGGESTION:
            job.report.suggestions.append(f"{po_path}:{entry.linenum}")
        if entry.msgid_plural or not states.writes_machine_translation(
            origin, retranslate_machine
        ):
            continue
        found = pending.scored_translation(entry.msgid)
        if found is not None:
            value = confidence(found.score)
            comment = provenance.machine_comment(route.label, value)
            states.set_machine_translation(entry, found.text, comment)
            facts.wrote(entry, provenance.Fill(found.text, Origin.MACHINE, route.label, value))
            changed = True
    if changed and catalog.save_with_revision_date(
        loaded.po, po_path, loaded.fingerprint, "PO-Revision-Date"
    ):
        job.report.written.add(str(po_path))
    facts.commit()
