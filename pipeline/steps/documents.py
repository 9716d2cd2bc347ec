"""The work on one document, from its transcript to its catalogs and published files.

A run handles each document in two passes around machine translation, which
is batched across all documents (a sentence repeated in 50 documents is
translated once):

1. :func:`prepare` reads the transcript, writes its POT template, merges it
   into each language's catalog, fills what it can from the translation
   memory and lists the sentences still needing a machine translation. A
   document that needs none is finished at once; the others are set aside
   (pickled into the run's stash directory, so nothing is parsed twice and
   memory does not grow with the archive).
2. :func:`finish` takes a set-aside document back, writes the machine
   translations into its entries, saves its catalogs and publishes it.

Both run in the main process or in worker processes alike (see
:mod:`pipeline.steps.driver`): they only read the shared stores (fill
record, MT cache, translation memory) and return what they did as an
:class:`Outcome`; the main process, the single writer of those stores,
records it. All parts of a large transcript are handled by one call, in order,
because their catalogs share a compendium.
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.gettext import catalog, merge, provenance, states, template
from pipeline.gettext.states import Origin
from pipeline.steps.built import Built, add_to_built, suggestions
from pipeline.steps.report import MemoryCounts, Problem
from pipeline.steps.state import Stamp, file_digest, stamp

if TYPE_CHECKING:
    import polib

    from pipeline.memory import ReviewedEntry, TranslationMemory
    from pipeline.mt.pending import PendingReader
    from pipeline.project import Project
    from pipeline.publish import PublishedFile, PublishOptions
    from pipeline.steps.facts import CatalogFacts, Facts
    from pipeline.steps.sources import Source
    from pipeline.terms import Glossary
    from pipeline.text.document import Block, Document, Segment

Pair = tuple[str, str]  # (source language, target language)


@dataclass(frozen=True)
class Settings:
    """What the work on a document needs to know (plain data: it goes to workers)."""

    project: Project
    languages: tuple[str, ...]
    source_languages: dict[str, str]  # by file (a large file's parts share it)
    translate: bool = False  # fill from the memory and list what needs machine translation
    retranslate_machine: bool = False
    publishing: PublishOptions | None = None
    use_memory: bool = False
    stash_dir: Path | None = None
    fail_fast: bool = False

    def language_of(self, source: Source) -> str:
        return self.source_languages.get(source.family, self.project.source_language)

    def targets(self, source: Source) -> list[str]:
        from pipeline.steps.languages import targets

        return targets(self.language_of(source), list(self.languages))


@dataclass
class Synced:
    """A catalog this run wrote, for the translation memory (no need to read it back)."""

    name: str  # "archive/speech.po", as memory origins name it
    source_language: str
    language: str
    fingerprint: str  # size and modification time, as the memory's sync compares
    entries: list[ReviewedEntry]


@dataclass
class Outcome:
    """What the work on one file did, for the main process to record and report."""

    written: list[str] = field(default_factory=list)  # catalogs written
    fills: list[tuple[bytes, provenance.Fill]] = field(default_factory=list)
    published: list[PublishedFile] = field(default_factory=list)
    pending: dict[Pair, list[str]] = field(default_factory=dict)
    stash: Path | None = None  # set aside until machine translations are known
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    memory: MemoryCounts = field(default_factory=MemoryCounts)
    suggestions: list[str] = field(default_factory=list)
    source_text: dict[str, int] = field(default_factory=dict)
    synced: list[Synced] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    built: Built | None = None  # for the build state, when the whole file got through
    family: str = ""  # the file's name (its parts share it)


@dataclass
class CatalogWork:
    """One language's catalog of a document while the run works on it."""

    language: str
    po: polib.POFile
    path: Path
    fingerprint: str | None  # of the bytes read (None: a new file)
    stamp: Stamp | None = None  # size and time as read, then as written
    facts: CatalogFacts | None = None  # in the process working on it; not pickled
    fills: list[tuple[bytes, provenance.Fill]] = field(default_factory=list)  # when set aside

    def __getstate__(self) -> dict:
        return {**self.__dict__, "facts": None}


@dataclass
class DocumentWork:
    source: Source
    document: Document
    catalogs: list[CatalogWork]
    segmented: list[tuple[Block, list[Segment]]]  # segmented once, for extract and publish
    source_stamp: tuple[str, int, int, str] = ("", 0, 0, "")  # see Built.source


class Workspace:
    """The open stores one process reads while it works on documents."""

    def __init__(self, settings: Settings) -> None:
        from pipeline.steps.facts import Facts
        from pipeline.steps.terms import Glossaries

        self.settings = settings
        self.facts: Facts = Facts(settings.project, read_only=True)
        self.glossaries = Glossaries(settings.project)
        self._memory: TranslationMemory | None = None
        self._memory_off = not settings.use_memory

    @property
    def memory(self) -> TranslationMemory | None:
        """The translation memory (read-only use), or None when off or unusable."""
        from pipeline.memory import MemoryCorrupt, open_memory
        from pipeline.steps.memory import memory_path

        if self._memory is None and not self._memory_off:
            try:
                self._memory = open_memory(memory_path(self.settings.project))
            except MemoryCorrupt:
                self._memory_off = True  # the main process has said so already
        return self._memory

    def memory_failed(self) -> None:
        self._memory_off = True
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def catalog_facts(self, source: Source, language: str) -> CatalogFacts:
        return self.facts.catalog(source.name, self.settings.language_of(source), language)

    def glossary(self, source: Source) -> Glossary | None:
        """The glossary for ``source``'s language (None: the project has none)."""
        return self.glossaries.get(self.settings.language_of(source))

    def close(self) -> None:
        self.facts.close()
        if self._memory is not None:
            self._memory.close()


# ---------------------------------------------------------------------------
# Pass 1


def prepare(workspace: Workspace, sources: Sequence[Source]) -> Outcome:
    """Extract, merge and fill from the memory every part of one file (see the module
    docstring); finish it at once unless machine translations are needed.

    The parts of a large file are set aside one by one as they are extracted (and
    taken back one by one), so memory is bounded by the part, not by the file."""
    from pipeline.steps.parts import PartMemory

    outcome = Outcome(family=sources[0].family)
    works: list[DocumentWork] = []
    aside = _Stash(workspace) if len(sources) > 1 else None
    as_read = _stamped(sources[0].path)
    with PartMemory(workspace.settings.project, workspace.facts, workspace.settings) as parts:
        for source in sources:
            work = _guarded(
                workspace, outcome, source, lambda s=source: _extract(workspace, s, parts, outcome)
            )
            if work is not None:
                work.source_stamp = as_read
                if aside is not None:
                    aside.add(work)
                else:
                    works.append(work)
    outcome.stale += parts.stale
    if aside is not None:
        stash = aside.close()
        if outcome.pending:
            outcome.stash = stash
        else:
            _finish_all(workspace, _restored(workspace, stash), outcome)
    elif outcome.pending:
        outcome.stash = _set_aside(workspace, works)
    else:
        _finish_all(workspace, works, outcome)
    return outcome


def _stamped(path: Path) -> tuple[str, int, int, str]:
    """The transcript's path, size, time and hash, taken before it is read."""
    size, mtime = stamp(path) or (0, 0)
    return os.path.abspath(path), size, mtime, file_digest(path)


def _guarded(workspace: Workspace, outcome: Outcome, source: Source, work):  # noqa: ANN001
    """Run ``work()``; a UserError skips the document (reported) unless failing fast."""
    try:
        return work()
    except UserError as error:
        if workspace.settings.fail_fast:
            raise
        outcome.problems.append(Problem.from_error(error, "catalog", source.name, str(source.path)))
        outcome.failed.append(source.name)
        return None


def _extract(workspace: Workspace, source: Source, parts, outcome: Outcome) -> DocumentWork:  # noqa: ANN001
    from pipeline.steps.job import load_document, segment_document

    settings = workspace.settings
    project = settings.project
    document = load_document(source, project, settings.language_of(source))
    segmented = segment_document(document)
    pot = template.build_template(document, segmented)
    _save_template(project, document.name, pot, outcome)
    work = DocumentWork(source, document, [], segmented)
    for language in settings.targets(source):
        po_path = project.catalog_path(language, document.name)
        as_read = stamp(po_path)
        existing = catalog.load_catalog(po_path, language)
        facts = workspace.catalog_facts(source, language)
        old = existing.po if existing else None
        compendium = parts.compendium(source, language, po_path)
        merged = merge.merge(pot, old, language, compendium, facts.origin)
        _rederive(merged, facts, workspace.glossary(source))
        if settings.translate:
            _fill_from_memory(workspace, merged, facts, outcome)
            _collect_pending(workspace, source, merged, facts, outcome)
        fingerprint = existing.fingerprint if existing else None
        work.catalogs.append(CatalogWork(language, merged, po_path, fingerprint, as_read, facts))
    return work


def _save_template(project: Project, name: str, pot: polib.POFile, outcome: Outcome) -> None:
    """Write the POT unless its entries are unchanged (then its creation date is kept)."""
    pot_path = project.template_path(name)
    old = catalog.load_catalog(pot_path)
    if old is not None and template.same_entries(old.po, pot):
        pot.metadata["POT-Creation-Date"] = old.po.metadata.get("POT-Creation-Date", "")
    if catalog.save_catalog(pot, pot_path, old.fingerprint if old else None):
        outcome.written.append(str(pot_path))


def _rederive(po: polib.POFile, facts: CatalogFacts, glossary: Glossary | None) -> None:
    """Our comment lines from each entry's origin (the machine or memory line) and its
    source's glossary terms (the terms line, after it); a new suggestion recorded as ours.

    Obsolete entries too: a sentence reviewed after its machine translation and then
    removed from the transcript goes ``#~`` with the comments it had when the
    translator confirmed it, ``machine translation: …`` included (#13).
    """
    for entry, origin in list(facts.origins(po)):
        if origin is Origin.SUGGESTION and facts.fill(entry) is None:
            facts.wrote(entry, provenance.Fill(states.entry_text(entry), Origin.SUGGESTION))
        terms = glossary.comment(entry.msgid, facts.language) if glossary else None
        facts.annotate(entry, origin, terms)
    for entry in po.obsolete_entries():
        facts.annotate(entry, facts.origin(entry))


def _fill_from_memory(
    workspace: Workspace, po: polib.POFile, facts: CatalogFacts, outcome: Outcome
) -> None:
    from pipeline.memory import MemoryCorrupt
    from pipeline.steps import memory as tm

    memory = workspace.memory
    if memory is None:
        return
    try:
        tm.leverage(workspace.settings.project.memory, memory, po, facts, outcome.memory)
    except MemoryCorrupt as error:
        outcome.notes.append(f"{error}; run `pipeline memory rebuild` (PO files are intact)")
        workspace.memory_failed()


def _collect_pending(
    workspace: Workspace, source: Source, po: polib.POFile, facts: CatalogFacts, outcome: Outcome
) -> None:
    """The sentences needing a machine translation: into their entry (untranslated, or
    redone with ``retranslate_machine``), or only into the cache, to be published
    while the entry holds a person's suggestion made for another sentence."""
    retranslate = workspace.settings.retranslate_machine
    wanted = [
        entry.msgid
        for entry, origin in facts.origins(po)
        if not entry.msgid_plural
        and (
            states.writes_machine_translation(origin, retranslate)
            or (states.needs_machine_text(origin) and facts.machine_text(entry.msgid) is None)
        )
    ]
    if wanted:
        pair = (facts.source_language, facts.language)
        outcome.pending.setdefault(pair, []).extend(wanted)


def _set_aside(workspace: Workspace, works: list[DocumentWork]) -> Path:
    """Pickle the documents' work into the run's stash directory until pass 2."""
    aside = _Stash(workspace)
    for work in works:
        aside.add(work)
    return aside.close()


class _Stash:
    """A file of the run's stash directory holding documents' work, pickled one after
    the other (scratch data: no fsync); :func:`_restored` reads them back in order."""

    def __init__(self, workspace: Workspace) -> None:
        stash_dir = workspace.settings.stash_dir
        assert stash_dir is not None, "a run has a stash directory"
        self.path = stash_dir / f"{uuid.uuid4().hex}.pickle"
        self._stream = self.path.open("wb")

    def add(self, work: DocumentWork) -> None:
        for item in work.catalogs:
            assert item.facts is not None
            item.fills = item.facts.take()
        pickle.dump(work, self._stream, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> Path:
        self._stream.close()
        return self.path


def _restored(workspace: Workspace, stash: Path) -> Iterator[DocumentWork]:
    """The work set aside in ``stash``, one document at a time, with its catalogs' facts
    as they were; the file is deleted once read."""
    try:
        with stash.open("rb") as stream:
            while True:
                try:
                    work: DocumentWork = pickle.load(stream)
                except EOFError:
                    return
                for item in work.catalogs:
                    item.facts = workspace.catalog_facts(work.source, item.language)
                    item.facts.restore(item.fills)
                yield work
    finally:
        stash.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# Pass 2


def finish(
    workspace: Workspace,
    stash: Path,
    translations: dict[Pair, PendingReader],
    labels: dict[Pair, str],
) -> Outcome:
    """Take a set-aside file back, write its machine translations, save and publish it."""
    outcome = Outcome()
    _finish_all(workspace, _translated(workspace, stash, translations, labels, outcome), outcome)
    return outcome


def _translated(
    workspace: Workspace,
    stash: Path,
    translations: dict[Pair, PendingReader],
    labels: dict[Pair, str],
    outcome: Outcome,
) -> Iterator[DocumentWork]:
    """The set-aside work, one document at a time, with its machine translations."""
    for work in _restored(workspace, stash):
        outcome.family = work.source.family
        for item in work.catalogs:
            assert item.facts is not None
            pair = (item.facts.source_language, item.language)
            if pair in translations:
                _apply(workspace, item.po, item.facts, translations[pair], labels[pair])
        yield work


def _apply(
    workspace: Workspace,
    po: polib.POFile,
    facts: CatalogFacts,
    translations: PendingReader,
    label: str,
) -> None:
    """Write the machine translations into the entries that take one."""
    from pipeline.mt.confidence import confidence

    retranslate = workspace.settings.retranslate_machine
    for entry, origin in list(facts.origins(po)):
        if entry.msgid_plural or not states.writes_machine_translation(origin, retranslate):
            continue
        found = translations.scored_translation(entry.msgid)
        if found is not None:
            value = confidence(found.score)
            comment = provenance.machine_comment(label, value)
            states.set_machine_translation(entry, found.text, comment)
            facts.wrote(entry, provenance.Fill(found.text, Origin.MACHINE, label, value))


# ---------------------------------------------------------------------------
# Both passes


def _finish_all(workspace: Workspace, works: Iterable[DocumentWork], outcome: Outcome) -> None:
    """Finish every part of one file, one at a time; describe the build when all of them
    got through."""
    built: Built | None = None
    for work in works:
        suggested = _guarded(
            workspace, outcome, work.source, lambda w=work: _finish(workspace, w, outcome)
        )
        if suggested is None:
            continue  # failed: in outcome.failed, so the file is not described
        if built is None:
            built = Built(work.source.family, work.source_stamp)
        add_to_built(workspace.settings.project, built, work, outcome, suggested)
    if built is not None and not outcome.failed:
        outcome.built = built


def _finish(workspace: Workspace, work: DocumentWork, outcome: Outcome) -> dict[str, list[str]]:
    """Save the document's catalogs, publish it, and hand over what to record; return the
    suggestions of each language's catalog (for the build state too)."""
    settings = workspace.settings
    suggested: dict[str, list[str]] = {}
    for item in work.catalogs:
        facts = item.facts
        suggested[item.language] = suggestions(item)
        outcome.suggestions += suggested[item.language]
        if catalog.save_with_revision_date(
            item.po, item.path, item.fingerprint, "PO-Revision-Date"
        ):
            item.stamp = stamp(item.path)
            outcome.written.append(str(item.path))
            if settings.use_memory:
                outcome.synced.append(_synced(work.document.name, item, facts))
    if settings.publishing is not None:
        _publish(workspace, work, outcome)
    for item in work.catalogs:
        outcome.fills += item.facts.take()
    return suggested


def _synced(name: str, item: CatalogWork, facts: CatalogFacts) -> Synced:
    """The saved catalog for the memory, fingerprinted by the stamp taken right after
    saving it (:func:`_finish`)."""
    from pipeline.steps.memory import catalog_fingerprint, reviewed_entries

    assert item.stamp is not None, "stamped once saved"
    return Synced(
        f"{name}.po",
        facts.source_language,
        item.language,
        catalog_fingerprint(item.stamp),
        list(reviewed_entries(item.po, facts)),
    )


def _publish(workspace: Workspace, work: DocumentWork, outcome: Outcome) -> None:
    from pipeline import publish as writers
    from pipeline.steps.publish import count_source_text, shows_terms, translated_document

    options = workspace.settings.publishing
    assert options is not None
    document = work.document
    document.source_path = os.path.abspath(work.source.path)  # the index's link to it
    glossary = workspace.glossary(work.source) if shows_terms(options) else None
    tdocs = []
    for item in work.catalogs:
        tdoc = translated_document(document, item.po, item.facts, glossary, work.segmented)
        count_source_text(outcome.source_text, tdoc)
        tdocs.append(tdoc)
    outcome.published += writers.publish_languages(
        tdocs, workspace.settings.project.output_dir, options
    )
