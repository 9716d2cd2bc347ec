"""Translate: machine-translate every entry that needs it, all documents together per language.

Pass 1 collects the distinct sentences needing translation across all
documents (on disk, see :mod:`pipeline.mt.pending`); they are translated in
one stream, cache first (:mod:`pipeline.mt.batch`); pass 2 writes them into
each PO file, fuzzy and marked as machine translations. Memory is bounded by
the distinct pending sentences, not by the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.gettext import catalog, states
from pipeline.project import Project
from pipeline.steps.job import Job

if TYPE_CHECKING:
    from pipeline.mt.batch import BatchSettings
    from pipeline.mt.engine import Route
    from pipeline.mt.pending import PendingSentences


def required_routes(project: Project, languages: Sequence[str]) -> dict[str, Route]:
    """The installed model(s) for each target language; UserError naming a missing pair.

    With ``project.pivot`` set, a pair with no direct model goes through the
    pivot language (source→pivot, pivot→target).
    """
    from pipeline.mt.engine import Route
    from pipeline.mt.models import find_model, require_model

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


def translate(job: Job, routes: dict[str, Route], retranslate_machine: bool = False) -> None:
    """Machine-translate the job's catalogs, one language at a time."""
    for language in job.languages:
        _translate_language(job, language, routes[language], retranslate_machine)


def _translate_language(job: Job, language: str, route: Route, retranslate_machine: bool) -> None:
    """Collect the pending sentences, translate them, write them into each PO file."""
    from pipeline.mt.batch import translate_pending
    from pipeline.mt.pending import PendingSentences

    with PendingSentences() as pending:
        _collect_pending(job, language, retranslate_machine, pending)
        settings = _batch_settings(job.project, language)
        if len(pending):
            counts = translate_pending(pending, route, settings, job.progress)
            job.report.from_cache[language] = counts.from_cache
            job.report.translated[language] = counts.translated
        for source in job.active():
            with job.document(source, "catalog"):
                _apply(job, source.name, language, route, pending, retranslate_machine)


def _batch_settings(project: Project, language: str) -> BatchSettings:
    """Cache location and engine settings for translating into ``language``."""
    from pipeline.mt.batch import BatchSettings
    from pipeline.mt.cache import CACHE_FILE

    return BatchSettings(
        cache_path=project.translations_dir / CACHE_FILE if project.use_cache else None,
        source_language=project.source_language,
        target_language=language,
        options=project.engine,
        executor=project.executor,
    )


def _collect_pending(
    job: Job, language: str, retranslate_machine: bool, pending: PendingSentences
) -> None:
    for source in job.active():
        with job.document(source, "catalog"):
            path = job.project.catalog_path(language, source.name)
            loaded = catalog.load_catalog(path, language)
            if loaded is not None:
                pending.add(
                    entry.msgid
                    for entry in loaded.po
                    if states.needs_machine_translation(entry, retranslate_machine)
                )


def _apply(
    job: Job,
    name: str,
    language: str,
    route: Route,
    pending: PendingSentences,
    retranslate_machine: bool,
) -> None:
    """Write the translations of ``pending`` into one PO file (if any entry needs one)."""
    po_path = job.project.catalog_path(language, name)
    loaded = catalog.load_catalog(po_path, language)
    if loaded is None:
        return
    changed = False
    for entry in loaded.po:
        if states.needs_machine_translation(entry, retranslate_machine):
            translation = pending.translation(entry.msgid)
            if translation is not None:
                states.set_machine_translation(entry, translation, route.label)
                changed = True
    if changed and catalog.save_with_revision_date(
        loaded.po, po_path, loaded.fingerprint, "PO-Revision-Date"
    ):
        job.report.written.add(str(po_path))
