"""Extract: each document's POT template, merged into its PO files (no translation).

Templates and catalogs are rewritten only when their entries change, so a
re-run on unchanged transcripts touches no file. Parts of a large transcript
are merged with a compendium of the file's old catalogs
(:class:`~pipeline.steps.parts.PartMemory`), so a reviewed translation follows
its sentence when an edit moves a part boundary.

After the merge our ``#.`` lines are re-derived on every entry from where its
text comes from (:mod:`pipeline.steps.facts`): a comment is never stale, and a
suggestion carried over from an edited sentence is recorded as ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.gettext import catalog, merge, states, template
from pipeline.gettext.provenance import Fill
from pipeline.gettext.states import Origin
from pipeline.steps.facts import CatalogFacts
from pipeline.steps.job import Job, segment_document
from pipeline.steps.parts import PartMemory
from pipeline.steps.sources import Source

if TYPE_CHECKING:
    import polib


def extract(job: Job) -> None:
    """Write every document's POT and merge it into the PO file of each job language."""
    with PartMemory(job) as memory:
        sources = job.active()
        job.progress.start("Extracting", len(sources))
        for source in sources:
            with job.document(source, "catalog"):
                _extract_one(job, source, memory)
            job.progress.advance()
        job.progress.finish()
    job.report.notes += [
        f"{path}: no part of the transcript uses this catalog any more (its translations "
        "were carried over); delete it when you no longer need it"
        for path in memory.stale
    ]


def _extract_one(job: Job, source: Source, memory: PartMemory) -> None:
    project = job.project
    document = job.load(source)
    pot = template.build_template(document, segment_document(document))
    pot_path = project.template_path(document.name)
    old = catalog.load_catalog(pot_path)
    if old is not None and template.same_entries(old.po, pot):
        pot.metadata["POT-Creation-Date"] = old.po.metadata.get("POT-Creation-Date", "")
    if catalog.save_catalog(pot, pot_path, old.fingerprint if old else None):
        job.report.written.add(str(pot_path))
    for language in job.targets(source):
        po_path = project.catalog_path(language, document.name)
        existing = catalog.load_catalog(po_path, language)
        facts = job.catalog_facts(source, language)
        compendium = memory.compendium(source, language, po_path)
        old = existing.po if existing else None
        merged = merge.merge(pot, old, language, compendium, facts.origin)
        _rederive(merged, facts)
        fingerprint = existing.fingerprint if existing else None
        if catalog.save_with_revision_date(merged, po_path, fingerprint, "PO-Revision-Date"):
            job.report.written.add(str(po_path))
        facts.commit()


def _rederive(po: polib.POFile, facts: CatalogFacts) -> None:
    """Our comment lines from each entry's origin; a new suggestion recorded as ours.

    Obsolete entries too: a sentence reviewed after its machine translation and then
    removed from the transcript goes ``#~`` with the comments it had when the
    translator confirmed it, ``machine translation: …`` included (#13).
    """
    for entry, origin in list(facts.origins(po)):
        if origin is Origin.SUGGESTION and facts.fill(entry) is None:
            facts.wrote(entry, Fill(states.entry_text(entry), Origin.SUGGESTION))
        facts.annotate(entry, origin)
    for entry in po.obsolete_entries():
        facts.annotate(entry, facts.origin(entry))
