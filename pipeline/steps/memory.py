"""The translation memory in a run: kept in sync with the catalogs, and leveraged.

Before anything is machine-translated, the memory (:mod:`pipeline.memory`,
``translations/memory.sqlite3``) learns every translation a person confirmed
in any catalog of the project that changed since the last run (reviewed
obsolete ``#~`` entries included; machine translations and memory fills
never). Then every entry of the job without a human translation
(untranslated, or a machine translation) is looked up, in-context exact and
exact matches first, then fuzzy ones:

* an exact match is filled in as a translation, not fuzzy (``msgmerge -C``'s
  behaviour) — fuzzy with ``memory.exact = "fuzzy"`` — with the comment
  ``translation memory: exact match, briefing.po:48``;
* a fuzzy match at or above ``memory.min_score`` is filled in fuzzy, with
  ``#| msgid`` holding the memory's sentence, as msgmerge's suggestions are;
* anything else goes to machine translation.

A review in one document thus replaces the machine translation of the same
sentence in every other one on the next run (never a person's text), and a
renamed document gets its reviews back as in-context matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.gettext import catalog, provenance, states
from pipeline.gettext.states import Origin
from pipeline.steps.report import MemoryCounts
from pipeline.steps.state import Stamp, stamp

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    import polib

    from pipeline.memory import Inconsistency, Match, TranslationMemory
    from pipeline.project import Project
    from pipeline.project.settings import MemorySettings
    from pipeline.qa import ExtraCheck, Finding
    from pipeline.steps.facts import CatalogFacts
    from pipeline.steps.job import Job


def memory_path(project: Project) -> Path:
    """``translations/memory.sqlite3``."""
    from pipeline.memory import MEMORY_FILE

    return project.translations_dir / MEMORY_FILE


def open_for(job: Job) -> TranslationMemory | None:
    """The project's memory for this job, or None when it is switched off or damaged
    (then the run goes on without it and says how to rebuild it)."""
    from pipeline.memory import MemoryCorrupt, open_memory

    if not job.project.memory.enabled:
        return None
    try:
        return open_memory(memory_path(job.project))
    except MemoryCorrupt as error:
        job.report.notes.append(f"{error}; run `pipeline memory rebuild` (PO files are intact)")
        return None


def sync(job: Job, memory: TranslationMemory) -> int:
    """Bring the memory up to date with every catalog of the project; return how many
    were read (unchanged ones, by size and modification time, are not)."""
    from pipeline.memory import sync_catalog, synced_fingerprints
    from pipeline.steps.attic import memory_catalogs

    read = 0
    synced = synced_fingerprints(memory)
    for filed_as, name, language, path in memory_catalogs(job.project):  # the attic's too
        found = stamp(path)
        if found is None:
            continue
        fingerprint = catalog_fingerprint(found)
        if synced.get((f"{filed_as}.po", language)) == fingerprint:
            continue
        try:
            loaded = catalog.load_catalog(path, language)
        except UserError:
            continue  # a broken catalog is reported by the step that uses it
        if loaded is None:
            continue
        facts = job.facts.catalog_of(name, loaded.po, language)
        entries = list(reviewed_entries(loaded.po, facts))
        sync_catalog(
            memory, f"{filed_as}.po", facts.source_language, language, entries, fingerprint
        )
        read += 1
    return read


def catalog_fingerprint(stamped: Stamp) -> str:
    """A catalog's size and modification time, as the memory's sync compares them."""
    size, mtime_ns = stamped
    return f"{size}:{mtime_ns}"


def reviewed_entries(po: polib.POFile, facts: CatalogFacts):  # -> Iterator[ReviewedEntry]
    """The entries a person confirmed (active and obsolete), with their neighbours."""
    from pipeline.memory import ReviewedEntry

    active = [e for e in po if not e.obsolete and e.msgid and not e.msgid_plural]
    for index, entry in enumerate(active):
        if facts.origin(entry) is Origin.REVIEWED:
            previous = active[index - 1].msgid if index else None
            following = active[index + 1].msgid if index + 1 < len(active) else None
            yield ReviewedEntry(entry.msgid, entry.msgstr, entry.linenum, previous, following)
    for entry in po.obsolete_entries():
        if entry.msgid and not entry.msgid_plural and facts.origin(entry) is Origin.REVIEWED:
            yield ReviewedEntry(entry.msgid, entry.msgstr, entry.linenum, None, None)


def leverage(
    settings: MemorySettings,
    memory: TranslationMemory,
    po: polib.POFile,
    facts: CatalogFacts,
    counts: MemoryCounts,
) -> bool:
    """Fill the entries of ``po`` that have no human translation from the memory;
    True when any entry changed."""
    from pipeline.memory import Query, lookup

    active = [e for e in po if not e.obsolete and e.msgid and not e.msgid_plural]
    wanted = [
        (index, entry)
        for index, entry in enumerate(active)
        if facts.origin(entry) in (Origin.UNTRANSLATED, Origin.MACHINE)
    ]
    if not wanted:
        return False
    queries = [
        Query(
            entry.msgid,
            active[index - 1].msgid if index else None,
            active[index + 1].msgid if index + 1 < len(active) else None,
        )
        for index, entry in wanted
    ]
    matches = lookup(
        memory, facts.source_language, facts.language, queries, int(settings.min_score)
    )
    changed = False
    for (_, entry), match in zip(wanted, matches, strict=True):
        if match is not None:
            was_machine = facts.origin(entry) is Origin.MACHINE
            _fill(entry, match, facts, fuzzy_exact=settings.exact == "fuzzy")
            _count(counts, match, facts.language, was_machine)
            changed = True
    return changed


def _fill(entry: polib.POEntry, match: Match, facts: CatalogFacts, fuzzy_exact: bool) -> None:
    """Put a memory match into ``entry`` (see the module docstring) and record it."""
    from pipeline.memory import MatchKind

    description = match.comment.removeprefix(states.MEMORY_PREFIX)
    entry.msgstr = match.target
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    if match.kind is MatchKind.FUZZY:
        entry.flags.insert(0, "fuzzy")
        entry.previous_msgid, entry.previous_msgctxt = match.source, None
        origin = Origin.MEMORY_FUZZY
    else:
        if fuzzy_exact:
            entry.flags.insert(0, "fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = None
        origin = Origin.MEMORY_EXACT
    fill = provenance.Fill(match.target, origin, description, float(match.score))
    provenance.annotate(entry, [provenance.memory_comment(description)])
    facts.wrote(entry, fill)


def _count(counts: MemoryCounts, match: Match, language: str, was_machine: bool) -> None:
    from pipeline.memory import MatchKind

    if match.kind is MatchKind.FUZZY:
        counts.add(counts.fuzzy, language)
        return
    counts.add(counts.exact, language)
    counts.in_context += match.kind is MatchKind.CONTEXT
    counts.variants += match.variants > 1
    if was_machine:
        counts.add(counts.upgraded, language)


def notes(counts: MemoryCounts) -> list[str]:
    """What the user should know about this run's memory matches."""
    found = []
    upgraded = sum(counts.upgraded.values())
    if upgraded:
        found.append(
            f"{upgraded} machine translation{'s were' if upgraded > 1 else ' was'} replaced by "
            "a reviewed translation from the translation memory"
        )
    if counts.in_context:
        found.append(
            f"{counts.in_context} sentence{'s' if counts.in_context > 1 else ''} got a reviewed "
            "translation back from the memory in context (a renamed or moved document?)"
        )
    if counts.variants:
        found.append(
            f"{counts.variants} sentence{'s have' if counts.variants > 1 else ' has'} several "
            "reviewed translations in the memory; the most recent was used "
            "(`pipeline check` lists them under consistency)"
        )
    return found


CONSISTENCY = {
    "consistency": "warning: a source sentence is reviewed differently in two or more places "
    "(each variant listed with its file:line)"
}


def consistency_check(project: Project, languages: Sequence[str] = ()) -> ExtraCheck | None:
    """The ``consistency`` warning of ``pipeline check``, from the translation memory
    brought up to date first (None when the memory is off or absent)."""
    from pipeline.qa import ExtraCheck

    if not project.memory.enabled or not memory_path(project).exists():
        return None
    return ExtraCheck(CONSISTENCY, run=lambda run: _inconsistent(project, languages))


def _inconsistent(project: Project, languages: Sequence[str]) -> Iterator[Finding]:
    from pipeline.memory import inconsistencies, open_memory
    from pipeline.steps.job import Job, locked

    job = Job(project, [], [])
    with locked(job), open_memory(memory_path(project)) as memory:
        sync(job, memory)
        found = [
            item
            for item in inconsistencies(memory)
            if not languages or item.target_language in languages
        ]
    for item in found:
        yield _finding(project, item)


def _finding(project: Project, item: Inconsistency) -> Finding:
    """One warning per sentence, placed at its first variant's first place."""
    from pipeline.qa import Finding
    from pipeline.steps.attic import catalog_file

    shown = "; ".join(
        f"«{variant.target}» ({', '.join(variant.origins[:3])})" for variant in item.variants
    )
    first = item.variants[0].origins[0] if item.variants[0].origins else ""
    catalog_name, _, line = first.rpartition(":")
    document = catalog_name.removesuffix(".po")
    path = catalog_file(project, item.target_language, document)
    return Finding(
        document,
        item.target_language,
        str(path),
        int(line) if line.isdigit() else 0,
        "",
        item.source,
        "consistency",
        "warning",
        f"reviewed {len(item.variants)} ways: {shown}",
    )
