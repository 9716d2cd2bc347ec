"""Translate: which models a job needs, and how their output is cached.

The translation itself happens in :mod:`pipeline.steps.driver` (the distinct
pending sentences of all documents, per language pair, cache first, see
:mod:`pipeline.mt.batch`) and :mod:`pipeline.steps.documents` (into each PO
file, fuzzy and marked as machine translations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.project import Project
from pipeline.steps.job import Job

if TYPE_CHECKING:
    from pipeline.mt.batch import BatchSettings
    from pipeline.mt.engine import Route
    from pipeline.steps.report import RunReport


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


def batch_settings(project: Project, pair: Pair) -> BatchSettings:
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


def suggestion_note(report: RunReport) -> list[str]:
    """'N edited sentences need review: …' when the run left suggestions in catalogs."""
    places = report.suggestions
    if not places:
        return []
    shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
    return [
        f"{len(places)} edited sentence{'s' if len(places) > 1 else ''} need review (their "
        f"old translation is a fuzzy suggestion; machine translation is published "
        f"meanwhile): {shown}"
    ]
