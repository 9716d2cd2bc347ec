"""What building one transcript read and left on disk, for the build state (#16).

:mod:`pipeline.steps.documents` fills a :class:`Built` part by part as it
finishes a file; the main process records it (:func:`pipeline.steps.incremental.record`)
so that the next run can leave the file alone when none of it has changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.gettext.states import Origin
from pipeline.steps.state import Stamp, stamp

if TYPE_CHECKING:
    from pipeline.project import Project
    from pipeline.steps.documents import CatalogWork, DocumentWork, Outcome

# Open sentences (untranslated or machine-translated) of one file and language kept in
# the build state for the memory check (:mod:`pipeline.steps.incremental`); beyond that,
# any change of the memory builds the file again.
MAX_OPEN_SENTENCES = 5_000


@dataclass
class Built:
    """What building one file (all its parts) read and left on disk, for the build state
    (:mod:`pipeline.steps.state`). Files are stamped as read, or right after this run
    wrote them, so an edit made after that is seen as a change next time."""

    family: str
    source: tuple[str, int, int, str]  # the transcript as read: path, size, mtime, hash
    templates: dict[str, Stamp] = field(default_factory=dict)
    files: dict[str, dict[str, Stamp]] = field(default_factory=dict)  # language -> PO, pages
    open: dict[str, list[str]] = field(default_factory=dict)  # language -> memory keys
    uncounted: set[str] = field(default_factory=set)  # languages with too many to keep
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # language -> places
    source_text: dict[str, dict[str, int]] = field(default_factory=dict)


def add_to_built(
    project: Project,
    built: Built,
    work: DocumentWork,
    outcome: Outcome,
    suggested: dict[str, list[str]],
) -> None:
    """Add one finished part's files to the build of its file (see :class:`Built`);
    ``suggested``: each language's :func:`suggestions`, as the part's finishing found them."""
    pot = project.template_path(work.document.name)
    built.templates[str(pot)] = stamp(pot) or (0, 0)
    for item in work.catalogs:
        language = item.language
        files = built.files.setdefault(language, {})
        files[str(item.path)] = item.stamp or (0, 0)
        for page in outcome.published:
            if page.document == work.document.name and page.language == language:
                files[str(page.path)] = stamp(page.path) or (0, 0)
        note_open(built, language, item)
        built.suggestions.setdefault(language, []).extend(suggested[language])
        key = f"{work.document.name} [{language}]"
        if key in outcome.source_text:
            built.source_text.setdefault(language, {})[key] = outcome.source_text[key]


def note_open(built: Built, language: str, item: CatalogWork) -> None:
    """Add the catalog's sentences the memory could still fill to ``built.open``; past
    :data:`MAX_OPEN_SENTENCES` (a very large transcript) none are kept: any change of
    the memory then builds the file again, and memory stays bounded by the part."""
    from pipeline.memory.text import sentence_key

    assert item.facts is not None
    if language in built.uncounted:
        return
    keys = built.open.setdefault(language, [])
    for entry, origin in item.facts.origins(item.po):
        if origin in (Origin.UNTRANSLATED, Origin.MACHINE) and not entry.msgid_plural:
            keys.append(sentence_key(entry.msgid))
            if len(keys) > MAX_OPEN_SENTENCES:
                del built.open[language]
                built.uncounted.add(language)
                return


def suggestions(item: CatalogWork) -> list[str]:
    """Where the catalog holds a person's old translation as a suggestion for an edited
    sentence: "file («first words…»)", for the run's note."""
    assert item.facts is not None
    return [
        f"{item.path} («{' '.join(entry.msgid.split()[:6])}…»)"
        for entry, origin in item.facts.origins(item.po)
        if origin is Origin.SUGGESTION
    ]
