"""Prune: the files left behind by transcripts that are gone (deleted, renamed, left out).

A document is *gone* when no transcript of the project has its name any more
(:func:`pipeline.project.sources.iter_source_files`; a part ``<name>.part-NNNN``
lives while ``<name>`` does: parts a large file no longer has are the run's
business, see :mod:`pipeline.steps.parts`). Its files are:

* PO catalogs ``translations/<lang>/<name>.po``: one holding any translation by a
  person (reviewed, a draft, a memory match, a suggestion), or that cannot be
  read, is *moved* to the attic (:mod:`pipeline.steps.attic`), never deleted; one
  with machine translations and untranslated entries only is deleted (a run
  makes it again);
* POT templates ``translations/templates/<name>.pot``: deleted;
* published files recorded in the output manifest (listed in the index, or
  already out of it as orphans): deleted, their rows forgotten and the index
  rewritten; a language left without documents loses its index page.

Reviewed entries stay in the translation memory (the attic is read by it too),
so a renamed transcript gets its reviews back as in-context matches.

:func:`plan` only looks; :func:`apply` does it (the caller holds the project
lock). :func:`gone_files` is the cheap listing a whole-project run prints.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.steps.attic import ATTIC_DIR, attic_path
from pipeline.terminal import plural

if TYPE_CHECKING:
    import polib

    from pipeline.project import Project
    from pipeline.publish.manifest import PublishedManifest
    from pipeline.steps.facts import Facts

CATALOG, TEMPLATE, PUBLISHED, INDEX = "catalog", "template", "published", "index"
MOVE, DELETE = "move", "delete"


@dataclass(frozen=True)
class PrunedFile:
    """One file of a gone document, and what pruning does (or did) with it."""

    path: Path
    kind: str  # "catalog" (PO), "template" (POT), "published", "index" (a language's page)
    document: str  # "" for an index page
    language: str = ""  # "" for a template
    action: str = DELETE  # or "move": a catalog with a person's work goes to the attic
    attic: Path | None = None  # where a moved catalog goes
    reason: str = ""  # why a catalog is moved or deleted

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "document": self.document,
            "language": self.language,
            "action": self.action,
            "attic": str(self.attic) if self.attic else None,
            "reason": self.reason,
        }


@dataclass
class PruneReport:
    """What ``pipeline prune`` would do, or did (``applied``)."""

    files: list[PrunedFile] = field(default_factory=list)
    applied: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """The gone documents, sorted."""
        return sorted({f.document for f in self.files if f.kind != INDEX})

    @property
    def moved(self) -> list[PrunedFile]:
        return [f for f in self.files if f.action == MOVE]

    @property
    def deleted(self) -> list[PrunedFile]:
        return [f for f in self.files if f.action == DELETE]

    def to_dict(self) -> dict[str, object]:
        return {
            "applied": self.applied,
            "documents": self.documents,
            "moved": len(self.moved),
            "deleted": len(self.deleted),
            "files": [f.to_dict() for f in self.files],
            "notes": list(self.notes),
        }


# -- finding -------------------------------------------------------------------------


def current_names(project: Project) -> set[str]:
    """The document names of the project's transcripts; UserError when it has none
    (an unmounted share must not make every document look gone)."""
    from pipeline.project.sources import iter_source_files

    names = {source.name for source in iter_source_files(project)}  # type: ignore[arg-type]
    if not names:
        roots = ", ".join(str(root) for root in project.sources.roots)
        raise UserError(
            f"no transcripts in {roots}: nothing is pruned in a project without sources "
            "(is a source directory missing or not mounted?)"
        )
    return names


def is_gone(name: str, current: set[str]) -> bool:
    """Whether no transcript has the document name ``name`` (nor the file it is a part of)."""
    from pipeline.text.parts import part_family

    return name not in current and part_family(name) not in current


def gone_files(project: Project) -> list[PrunedFile]:
    """Every catalog, template and published file of a gone document, without reading
    any of them (catalogs are marked "move" until :func:`plan` reads them)."""
    from pipeline.steps.status import discover_catalogs

    current = current_names(project)
    found = [
        PrunedFile(path, CATALOG, name, language, MOVE)
        for name, language, path in discover_catalogs(project)
        if is_gone(name, current)
    ]
    templates = project.translations_dir / "templates"
    if templates.is_dir():
        for path in sorted(templates.rglob("*.pot")):
            name = path.relative_to(templates).with_suffix("").as_posix()
            if is_gone(name, current):
                found.append(PrunedFile(path, TEMPLATE, name))
    with _manifest(project) as manifest:
        if manifest is not None:
            found += _published(project, manifest, current)
    return found


@contextlib.contextmanager
def _manifest(project: Project):  # -> Iterator[PublishedManifest | None]
    """The output manifest, or None where nothing was ever published (none is created)."""
    from pipeline.publish.manifest import MANIFEST_FILE, PublishedManifest

    if not (project.output_dir / MANIFEST_FILE).is_file():
        yield None
        return
    with PublishedManifest(project.output_dir) as manifest:
        yield manifest


def _published(
    project: Project, manifest: PublishedManifest, current: set[str]
) -> list[PrunedFile]:
    """Recorded files of gone documents (published from a transcript file: a document
    published from text in Python records none, and is kept as the index keeps it),
    then the index page of each language they leave without documents."""
    from pipeline.publish import INDEX_NAME

    recorded = manifest.recorded_files()
    gone = [f for f in recorded if f.from_transcript and is_gone(f.document, current)]
    found = [
        PrunedFile(project.output_dir / f.path, PUBLISHED, f.document, f.language) for f in gone
    ]
    removed = {f.path for f in gone}
    before = {f.language for f in recorded}  # orphans too: their page may still list them
    after = {f.language for f in recorded if f.listed and f.path not in removed}
    for language in sorted(before - after) if gone else ():
        page = project.output_dir / language / f"{INDEX_NAME}.html"
        if page.is_file():
            found.append(PrunedFile(page, INDEX, "", language))
    return found


def plan(project: Project) -> PruneReport:
    """What pruning would do: each gone catalog read to decide move or delete."""
    from pipeline.steps.facts import Facts

    files = gone_files(project)
    with Facts(project, read_only=True) as facts:
        decided = [_decide(project, facts, f) if f.kind == CATALOG else f for f in files]
    return PruneReport(decided)


def _decide(project: Project, facts: Facts, found: PrunedFile) -> PrunedFile:
    """A catalog goes to the attic if it holds a person's work or cannot be read."""
    from pipeline.gettext import catalog

    try:
        loaded = catalog.load_catalog(found.path, found.language)
    except UserError:
        reason = "cannot be read: kept as it is"
    else:
        if loaded is None or not _has_work_by_a_person(facts, found, loaded.po):
            return replace(found, action=DELETE, reason="no translation by a person")
        reason = "holds translations by a person"
    attic = attic_path(project, found.language, found.document)
    return replace(found, action=MOVE, attic=attic, reason=reason)


def _has_work_by_a_person(facts: Facts, found: PrunedFile, po: polib.POFile) -> bool:
    """Whether any entry, active or obsolete, holds text a person wrote or confirmed."""
    view = facts.catalog_of(found.document, po, found.language)
    return any(entry.msgid and view.origin(entry).is_human for entry in po)


# -- doing ---------------------------------------------------------------------------


def apply(project: Project, report: PruneReport) -> None:
    """Move and delete what :func:`plan` found (the caller holds the project lock), forget
    the published files in the manifest and rewrite the index."""
    done: list[PrunedFile] = []
    for found in report.files:
        if found.kind == CATALOG and found.action == MOVE:
            done.append(_move(project, found))
        elif found.kind != INDEX:
            _delete(found.path)
            done.append(found)
    published = [f for f in report.files if f.kind == PUBLISHED]
    if published:
        _forget_published(project, published)
    for found in report.files:
        if found.kind == INDEX:
            _delete(found.path)
            done.append(found)
    _remove_empty_directories(project, [f.path for f in report.files])
    report.files = done
    report.applied = True


def _move(project: Project, found: PrunedFile) -> PrunedFile:
    """Move a catalog into the attic (under a free name, chosen now)."""
    target = attic_path(project, found.language, found.document)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(found.path, target)  # same directory tree: atomic, keeps the file's time
    except OSError as error:
        raise UserError(
            f"{found.path}: cannot move it to {target} ({error.strerror or error})"
        ) from None
    return replace(found, attic=target)


def _delete(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise UserError(f"{path}: cannot delete it ({error.strerror or error})") from None


def _forget_published(project: Project, published: list[PrunedFile]) -> None:
    """Drop the deleted files' rows and rewrite the index pages from what is left."""
    from pipeline.publish import write_index
    from pipeline.publish.manifest import PublishedManifest
    from pipeline.steps.publish import with_index_language

    with PublishedManifest(project.output_dir) as manifest:
        manifest.forget(f.path.relative_to(project.output_dir).as_posix() for f in published)
    options = with_index_language(project.publish, project.target_languages)
    write_index(project.output_dir, options=options)


def _remove_empty_directories(project: Project, paths: Iterable[Path]) -> None:
    """Directories left empty by the removals, up to (not including) the translations
    and output directories."""
    tops = {Path(os.path.abspath(d)) for d in (project.translations_dir, project.output_dir)}
    for path in paths:
        directory = Path(os.path.abspath(path)).parent
        while any(top in directory.parents for top in tops):
            try:
                directory.rmdir()
            except OSError:
                break  # not empty (or not ours to remove)
            directory = directory.parent


# -- the run's listing ---------------------------------------------------------------

SHOWN = 5  # documents named in the run's note


def gone_note(project: Project, files: list[PrunedFile]) -> str | None:
    """One line for a whole-project run: the gone documents whose files are still there,
    the first few by name, and what to do about them."""
    documents = sorted({f.document for f in files if f.kind != INDEX})
    if not documents:
        return None
    counts = [
        plural(count, noun)
        for kind, noun in (
            (CATALOG, "catalog"),
            (TEMPLATE, "template"),
            (PUBLISHED, "published file"),
        )
        if (count := sum(f.kind == kind for f in files))
    ]
    shown = ", ".join(documents[:SHOWN])
    if len(documents) > SHOWN:
        shown += f" and {len(documents) - SHOWN} more"
    return (
        f"{plural(len(documents), 'document')} with no transcript any more (deleted, "
        f"renamed or left out) still {'has' if len(documents) == 1 else 'have'} files "
        f"({', '.join(counts)}): {shown}; `pipeline prune` lists them, "
        f"`pipeline prune --yes` deletes the generated ones and moves catalogs with "
        f"translations by a person to {project.translations_dir.name}/{ATTIC_DIR}/"
    )
