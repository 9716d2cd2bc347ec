"""What a job knows about who wrote each translation: the fill record and the MT cache.

A step asks :class:`Facts` for one catalog's view (:meth:`Facts.catalog`):
the origin of each entry (:func:`pipeline.gettext.states.classify` fed with
the fill record and the machine outputs known for its msgid), and records what
the step itself writes into entries. Both stores are opened once per job.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.gettext import provenance, states
from pipeline.gettext.states import Origin

if TYPE_CHECKING:
    import polib

    from pipeline.mt.cache import KnownTranslations
    from pipeline.mt.engine import ScoredTranslation
    from pipeline.project import Project


class Facts:
    """The fill record and the MT cache of a project, open for one job."""

    def __init__(self, project: Project, *, read_only: bool = False) -> None:
        self._project = project
        self._read_only = read_only  # status, check: never create a file
        self._fills: provenance.FillStore | None = None
        self._known: dict[tuple[str, str], KnownTranslations] = {}
        self._fill_path = Path(project.translations_dir) / provenance.FILL_FILE

    @property
    def fills(self) -> provenance.FillStore | _NoFills:
        if self._fills is None:
            if self._read_only and not os.path.exists(self._fill_path):
                return _NoFills()  # (it may be created later in the run: look again)
            self._fills = provenance.FillStore(self._project.translations_dir)
        return self._fills

    def known(self, source_language: str, language: str) -> KnownTranslations:
        """The MT cache's translations for a language pair (read-only)."""
        from pipeline.mt.cache import CACHE_FILE, KnownTranslations

        pair = (source_language, language)
        if pair not in self._known:
            path = Path(self._project.translations_dir) / CACHE_FILE
            self._known[pair] = KnownTranslations(path, *pair)
        return self._known[pair]

    def catalog(self, document: str, source_language: str, language: str) -> CatalogFacts:
        """The facts of one document's catalog in ``language``."""
        return CatalogFacts(self, document, source_language, language)

    def catalog_of(self, document: str, po: polib.POFile, language: str) -> CatalogFacts:
        """:meth:`catalog` for a catalog read from disk: in the source language its header
        names (``X-Source-Language``; ``en`` when it names none)."""
        source_language = po.metadata.get("X-Source-Language") or "en"
        return self.catalog(document, source_language, language)

    @property
    def notes(self) -> list[str]:
        """Things the user should know (a damaged fill record was set aside)."""
        return self._fills.notes if self._fills is not None else []

    def close(self) -> None:
        if self._fills is not None:
            self._fills.close()
        for known in self._known.values():
            known.close()

    def __enter__(self) -> Facts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _NoFills:
    """The fill record of a project that has none yet (read-only use)."""

    def get(self, key: bytes) -> None:
        return None


class CatalogFacts:
    """Origins of one catalog's entries, and what a step wrote into them."""

    def __init__(self, facts: Facts, document: str, source_language: str, language: str) -> None:
        self._facts = facts
        self.document, self.source_language, self.language = document, source_language, language
        self._pending: dict[bytes, provenance.Fill] = {}
        # A step asks each entry's origin several times: its key and its recorded fill
        # are looked up once (the record changes only through take/restore).
        self._keys: dict[tuple[str | None, str], bytes] = {}
        self._recorded: dict[bytes, provenance.StoredFill | None] = {}

    def key(self, entry: polib.POEntry) -> bytes:
        found = self._keys.get((entry.msgctxt, entry.msgid))
        if found is None:
            found = provenance.FillStore.key(
                self.language, self.document, entry.msgctxt, entry.msgid
            )
            self._keys[(entry.msgctxt, entry.msgid)] = found
        return found

    def fill(self, entry: polib.POEntry) -> provenance.StoredFill | None:
        """What the tool last wrote into ``entry``: in this run (not yet recorded), or
        as recorded."""
        key = self.key(entry)
        written = self._pending.get(key)
        if written is not None:
            return provenance.StoredFill.of(written)
        if key not in self._recorded:
            self._recorded[key] = self._facts.fills.get(key)
        return self._recorded[key]

    def origin(self, entry: polib.POEntry) -> Origin:
        """Where ``entry``'s text comes from."""
        known = self._facts.known(self.source_language, self.language)
        return states.classify(entry, self.fill(entry), known.outputs)

    def origins(self, po: polib.POFile) -> Iterator[tuple[polib.POEntry, Origin]]:
        """(entry, origin) for every active entry of ``po``."""
        for entry in po:
            if not entry.obsolete:
                yield entry, self.origin(entry)

    def machine_text(self, msgid: str) -> str | None:
        """A machine translation of ``msgid`` from the cache (newest model), or None."""
        return self._facts.known(self.source_language, self.language).best(msgid)

    def machine_scored(self, msgid: str) -> ScoredTranslation | None:
        """:meth:`machine_text` with the model's score."""
        return self._facts.known(self.source_language, self.language).best_scored(msgid)

    def confidence(self, entry: polib.POEntry) -> float | None:
        """The confidence (0–1) of the machine translation ``entry`` holds: the one the
        fill record kept when the tool wrote it, else its machine comment's; None when
        unknown (or the entry holds no machine translation of ours)."""
        from pipeline.mt.confidence import parse_machine_comment

        fill = self.fill(entry)
        ours = fill is not None and fill.origin is Origin.MACHINE
        if ours and fill.score is not None and fill.wrote(states.entry_text(entry)):
            return fill.score
        parsed = parse_machine_comment(entry.comment)
        return parsed.confidence if parsed is not None else None

    def wrote(self, entry: polib.POEntry, fill: provenance.Fill) -> None:
        """Remember that the step wrote ``fill`` into ``entry`` (handed over by :meth:`take`
        for the main process to record)."""
        self._pending[self.key(entry)] = fill

    def take(self) -> list[tuple[bytes, provenance.Fill]]:
        """What was written and not yet recorded (for the process that records it)."""
        written, self._pending = list(self._pending.items()), {}
        self._recorded.clear()  # the process that records them may do so now
        return written

    def restore(self, written: list[tuple[bytes, provenance.Fill]]) -> None:
        """Take back what :meth:`take` gave (a document resumed in another pass)."""
        self._pending.update(written)
        self._recorded.clear()

    def annotate(self, entry: polib.POEntry, origin: Origin, *extra: str | None) -> None:
        """Re-derive our ``#.`` lines on ``entry`` from its origin and what we recorded."""
        line = provenance.provenance_comment(origin, self.fill(entry))
        provenance.annotate(entry, [line, *extra])
