"""Which transcripts a run must build, and what it records once they are built (#16).

A transcript is left alone when nothing its catalogs and published files
depend on has changed since it was last built (see :mod:`pipeline.steps.state`
for what is recorded):

* its bytes, and the settings it is read with (:func:`pipeline.steps.state.reading_fingerprint`:
  the tool's code, the source language, the encoding, the project's folders);
* for each target language, each step the run takes, with the fingerprint of
  what that step's output depends on (:func:`stages`): ``extract`` the tool
  and the glossary (its terms become comments); ``translate`` the model
  (name and version), the engine's input limit and the memory settings;
  ``publish`` the publish settings, the page templates and the language's
  label catalogs (and the glossary, when pages show terms). A step recorded
  with the same fingerprint is done; a run of fewer steps than recorded
  (``extract`` after ``run``) has nothing to do;
* its POT, PO and published files, still as the run left them (a
  translator's save, a deleted page);
* the translation memory: the sentences it could still fill (untranslated
  and machine-translated ones) are looked up again only in the units added
  since, exactly and fuzzily (rapidfuzz's ``ratio``, the memory's own score,
  at the memory's threshold); a hit builds the transcript again.

An unchanged transcript thus costs a few ``stat`` calls and a dictionary
lookup: nothing is parsed, segmented or rendered. ``--retranslate-machine``
builds everything.
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.steps.state import (
    LanguageState,
    Record,
    fingerprint,
    package_stamps,
    stamp,
    tool_fingerprint,
    unchanged,
)

if TYPE_CHECKING:
    from pipeline.memory import TranslationMemory
    from pipeline.mt.engine import Route
    from pipeline.project import Project
    from pipeline.publish import PublishOptions
    from pipeline.steps.built import Built
    from pipeline.steps.job import Job
    from pipeline.steps.sources import Source

Pair = tuple[str, str]  # (source language, target language)

# Memory comparisons (new units x open sentences) above which every transcript with
# open sentences is simply built again: cheaper than comparing (a large TMX import).
MAX_MEMORY_COMPARISONS = 2_000_000_000


@dataclass(frozen=True)
class Stages:
    """The steps a run takes for each language pair, with their fingerprints."""

    by_pair: dict[Pair, dict[str, str]]
    memory: TranslationMemory | None = None  # in use: its mark and threshold matter
    memory_mark: str = ""
    min_score: int = 100
    build_all: bool = False


@dataclass
class Plan:
    """The transcripts to build (each a list of its parts) and those left unchanged."""

    build: list[list[Source]] = field(default_factory=list)
    unchanged: list[list[Source]] = field(default_factory=list)


def _label_stamps(language: str) -> list:
    from pipeline.publish.labels import catalog_files

    return [(str(path), stamp(path)) for path in catalog_files(language)]


def _glossary_fingerprint(project: Project) -> str:
    """The terms the project's glossary holds (their hash), for the steps that use them."""
    from pipeline.steps.terms import database
    from pipeline.terms import terms_fingerprint

    return terms_fingerprint(database(project))


def stages(
    job: Job,
    routes: dict[Pair, Route] | None,
    publishing: PublishOptions | None,
    memory: TranslationMemory | None,
    *,
    build_all: bool = False,
) -> Stages:
    """The steps of this run for each language pair the job needs, fingerprinted."""
    from pipeline.steps.publish import shows_terms

    project = job.project
    glossary = _glossary_fingerprint(project)
    extract = fingerprint(tool_fingerprint(), glossary)
    memory_settings = dataclasses.asdict(project.memory) if memory is not None else None
    by_pair: dict[Pair, dict[str, str]] = {}
    for pair in job.pairs():
        steps = {"extract": extract}
        if routes is not None:
            route = routes.get(pair)
            steps["translate"] = fingerprint(
                route.label if route else None,
                route.cache_key if route else None,
                project.engine.max_input_tokens,
                memory_settings,
            )
        if publishing is not None:
            steps["publish"] = fingerprint(
                tool_fingerprint(),
                dataclasses.asdict(publishing),
                package_stamps("templates", ("",)),
                _label_stamps(pair[1]),
                _label_stamps(pair[0]),
                glossary if shows_terms(publishing) else None,
            )
        by_pair[pair] = steps
    if memory is None:
        return Stages(by_pair, build_all=build_all)
    return Stages(
        by_pair, memory, memory.mark(), int(project.memory.min_score), build_all=build_all
    )


def plan(job: Job, stages: Stages, groups: list[list[Source]]) -> Plan:
    """Split ``groups`` (each file's parts) into those to build and those unchanged."""
    result = Plan()
    waiting: dict[str, list[tuple[Pair, str]]] = defaultdict(list)  # on the memory
    for group in groups:
        family = group[0].family
        verdict = None if stages.build_all else _verdict(job, stages, group)
        if verdict is None:
            result.build.append(group)
        elif verdict:
            waiting[family] = verdict
        else:
            result.unchanged.append(group)
    if waiting:
        rebuilt = _memory_hits(job, stages, waiting)
        for group in groups:
            family = group[0].family
            if family in waiting:
                (result.build if family in rebuilt else result.unchanged).append(group)
        order = {group[0].family: index for index, group in enumerate(groups)}
        result.build.sort(key=lambda g: order[g[0].family])
        result.unchanged.sort(key=lambda g: order[g[0].family])
    return result


def _verdict(job: Job, stages: Stages, group: list[Source]) -> list[tuple[Pair, str]] | None:
    """None: build the file; else the (pair, memory mark) of its languages whose open
    sentences must be looked up in the units added to the memory since (none: unchanged)."""
    source = group[0]
    record = job.state.records.get(source.family)
    if record is None or source.family not in job.unchanged_sources:
        return None
    templates = {_template_path(job, part.name) for part in group}
    if set(record.templates) != templates or not unchanged(record.templates):
        return None
    language = job.language_of(source)
    waiting = []
    for target in job.targets(source):
        recorded = record.languages.get(target)
        steps = stages.by_pair[(language, target)]
        if recorded is None or any(recorded.stages.get(k) != v for k, v in steps.items()):
            return None
        if not unchanged(recorded.files):
            return None
        if stages.memory is not None and recorded.memory != stages.memory_mark:
            waiting.append(((language, target), recorded.memory))
    return waiting


def _template_path(job: Job, name: str) -> str:
    """``str(job.project.template_path(name))`` without building a ``Path`` (the plan asks
    for every document of the archive; names are clean relative paths)."""
    return os.path.join(str(job.project.translations_dir), "templates", f"{name}.pot")


def _memory_hits(job: Job, stages: Stages, waiting: dict[str, list[tuple[Pair, str]]]) -> set[str]:
    """The files among ``waiting`` with an open sentence that a unit added to the memory
    since their mark matches (exactly, or at the memory's fuzzy threshold)."""
    memory = stages.memory
    assert memory is not None
    hits: set[str] = set()
    by_change: dict[tuple[Pair, str], list[str]] = defaultdict(list)
    for family, items in waiting.items():
        for pair, mark in items:
            by_change[(pair, mark)].append(family)
    for (pair, mark), families in by_change.items():
        added = memory.keys_added_since(mark, *pair) if mark else None
        if added is None:
            hits.update(families)
        elif added:
            hits.update(_matching(job, families, pair[1], added, stages.min_score))
    return hits


def _matching(
    job: Job, families: list[str], language: str, added: list[str], min_score: int
) -> Iterator[str]:
    """The families with an open sentence in ``language`` matching one of ``added``."""
    exact = set(added)
    open_keys: list[str] = []
    owners: list[str] = []
    for family in families:
        if not job.state.records[family].languages[language].open_known:
            yield family  # too many open sentences to keep: any addition may fill one
            continue
        keys = job.state.open_keys(family, language)
        if exact.intersection(keys):
            yield family
            continue
        open_keys += keys
        owners += [family] * len(keys)
    if not open_keys or min_score >= 100:
        return
    if len(open_keys) * len(added) > MAX_MEMORY_COMPARISONS:
        yield from set(owners)
        return
    yield from _fuzzy_owners(open_keys, owners, added, min_score)


def _fuzzy_owners(
    open_keys: list[str], owners: list[str], added: list[str], min_score: int
) -> set[str]:
    """Owners of the open sentences at or above ``min_score`` against any added key."""
    import numpy
    from rapidfuzz import fuzz, process

    found: set[str] = set()
    chunk = max(1000, 20_000_000 // len(added))  # a bounded score matrix per step
    for start in range(0, len(open_keys), chunk):
        scores = process.cdist(
            added,
            open_keys[start : start + chunk],
            scorer=fuzz.ratio,
            score_cutoff=min_score,
            dtype=numpy.uint8,
            workers=-1,
        )
        for index in numpy.flatnonzero(scores.any(axis=0)):
            found.add(owners[start + int(index)])
    return found


def unchanged_file(job: Job, group: list[Source]) -> None:
    """Report a file left alone as the last run reported it."""
    record = job.state.records[group[0].family]
    report = job.report
    report.unchanged += len(group)
    report.unchanged_files.add(group[0].family)
    for target in job.targets(group[0]):
        recorded = record.languages[target]
        report.suggestions += recorded.suggestions
        report.source_text.update(recorded.source_text)


def record(job: Job, built: Built, stages: Stages) -> None:
    """Remember what ``built`` was made from (the main process, after recording it)."""
    family = built.family
    path, size, mtime, digest = built.source
    language = job.source_languages.get(family, job.project.source_language)
    old = job.state.records.get(family)
    kept: dict[str, LanguageState] = {}
    if old is not None and old.digest == digest and old.language == language:
        kept = old.languages  # languages this run did not touch are still as recorded
    languages = dict(kept)
    for target, files in built.files.items():
        languages[target] = LanguageState(
            stages=stages.by_pair.get((language, target), {}),
            files=files,
            memory=stages.memory_mark,
            open_known=target not in built.uncounted,
            suggestions=built.suggestions.get(target, []),
            source_text=built.source_text.get(target, {}),
        )
    new = Record(
        path,
        size,
        mtime,
        digest,
        language,
        job.reading,
        built.templates,
        languages,
    )
    job.state.save(family, new, built.open if stages.memory is not None else {})
