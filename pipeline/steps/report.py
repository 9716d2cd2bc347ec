"""What a step did, as plain data the command line renders (text, table or JSON)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from pipeline.errors import ExitStatus

if TYPE_CHECKING:
    from pipeline.errors import UserError
    from pipeline.publish import PublishedFile

_WHERE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+): ")


@dataclass(frozen=True)
class Problem:
    """One input a job could not use (a document was skipped): what and where."""

    file: str
    line: int | None
    message: str  # the whole one-line message, "file:line: what"
    kind: str  # "source" (the transcript), "catalog" (a PO file) …
    document: str

    @classmethod
    def from_error(cls, error: UserError, kind: str, document: str, fallback: str) -> Problem:
        """The problem a UserError describes; its "file:line:" prefix gives the place."""
        message = " ".join(str(error).split())
        where = _WHERE.match(message)
        if where:
            return cls(where["file"], int(where["line"]), message, kind, document)
        file = message.split(": ", 1)[0] if ": " in message else fallback
        return cls(file, None, message, kind, document)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class MemoryCounts:
    """What the translation memory did in one run, per target language."""

    exact: dict[str, int] = field(default_factory=dict)
    fuzzy: dict[str, int] = field(default_factory=dict)
    upgraded: dict[str, int] = field(default_factory=dict)  # machine text replaced
    in_context: int = 0
    variants: int = 0

    def add(self, counter: dict[str, int], language: str) -> None:
        counter[language] = counter.get(language, 0) + 1

    def merge(self, other: MemoryCounts) -> None:
        """Add another document's counts to these."""
        for mine, theirs in (
            (self.exact, other.exact),
            (self.fuzzy, other.fuzzy),
            (self.upgraded, other.upgraded),
        ):
            for language, count in theirs.items():
                mine[language] = mine.get(language, 0) + count
        self.in_context += other.in_context
        self.variants += other.variants


@dataclass
class DocumentCounts:
    """What a run did to one transcript (all its parts), per target language."""

    machine: dict[str, int] = field(default_factory=dict)  # entries machine-translated
    memory: dict[str, int] = field(default_factory=dict)  # entries filled from the memory
    files_written: int = 0  # catalogs and published files written

    def add(self, counter: dict[str, int], language: str, count: int) -> None:
        if count:
            counter[language] = counter.get(language, 0) + count


@dataclass
class RunReport:
    """What ``extract``, ``translate``, ``publish`` or ``run`` did.

    Published files are counted, not listed (they are recorded on disk in the
    output manifest), so a report stays small however large the archive.
    """

    documents: int = 0  # documents (or parts of large files) the job covered
    unchanged: int = 0  # of which left alone: nothing they depend on changed
    unchanged_files: set[str] = field(default_factory=set)  # their names (files, not parts)
    by_document: dict[str, DocumentCounts] = field(default_factory=dict)  # by file name
    languages: list[str] = field(default_factory=list)  # the target languages, checked
    written: set[str] = field(default_factory=set)  # POT/PO files written
    translated: dict[str, int] = field(default_factory=dict)  # language -> machine-translated
    from_cache: dict[str, int] = field(default_factory=dict)
    published: int = 0  # files published, written or found up to date
    published_written: int = 0  # of which actually (re)written
    notes: list[str] = field(default_factory=list)  # things the user should know
    problems: list[Problem] = field(default_factory=list)  # documents skipped, and why
    suggestions: list[str] = field(default_factory=list)  # "po:line" of edited sentences
    source_text: dict[str, int] = field(default_factory=dict)  # "doc [lang]" -> sentences
    memory: MemoryCounts = field(default_factory=MemoryCounts)

    @property
    def processed(self) -> bool:
        """Whether any document got through (not every one was skipped)."""
        return len({problem.document for problem in self.problems}) < self.documents

    def problems_by_file(self, names: Collection[str]) -> dict[str, list[str]]:
        """The problems' messages by the file they belong to: a problem of a part of a
        large file (``<name>.part-NNNN``) belongs to the file. ``names`` are the files'
        names (a file may be named like a part: then it is its own)."""
        from pipeline.text.parts import part_family

        by_file: dict[str, list[str]] = {}
        for problem in self.problems:
            owner = problem.document
            if owner not in names:
                owner = part_family(owner) or owner
            by_file.setdefault(owner, []).append(problem.message)
        return by_file

    @property
    def exit_status(self) -> ExitStatus:
        """PARTIAL when some documents failed (the others were fully processed), else OK."""
        return ExitStatus.PARTIAL if self.problems else ExitStatus.OK

    @property
    def files_written(self) -> int:
        """Distinct files written: catalogs and published documents."""
        return len(self.written) + self.published_written

    def count_published(self, files: Sequence[PublishedFile]) -> None:
        self.published += len(files)
        self.published_written += sum(1 for f in files if f.written)

    def summary(self, languages: Sequence[str], seconds: float) -> dict[str, object]:
        """The ``run --json`` object: documents, distinct segments needing a translation
        (machine-translated now or taken from the MT cache), files written and seconds,
        in total and per language."""
        per_language = {
            language: {
                "translated": self.translated.get(language, 0),
                "from_cache": self.from_cache.get(language, 0),
                "memory_exact": self.memory.exact.get(language, 0),
                "memory_fuzzy": self.memory.fuzzy.get(language, 0),
            }
            for language in languages
        }
        translated = sum(counts["translated"] for counts in per_language.values())
        from_cache = sum(counts["from_cache"] for counts in per_language.values())
        return {
            "documents": self.documents,
            "unchanged": self.unchanged,
            "segments": translated + from_cache,
            "translated": translated,
            "from_cache": from_cache,
            "memory_exact": sum(c["memory_exact"] for c in per_language.values()),
            "memory_fuzzy": sum(c["memory_fuzzy"] for c in per_language.values()),
            "files_written": self.files_written,
            "seconds": round(seconds, 3),
            "languages": per_language,
            "errors": [problem.to_dict() for problem in self.problems],
            "warnings": list(self.notes),
        }


StepReport = RunReport  # the name used before the steps had their own package
