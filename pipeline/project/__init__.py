"""A project: where catalogs and outputs live, and how transcripts are read and translated.

:class:`Project` is the one settings object every step receives. It is plain
data: the command line builds it from ``pipeline.toml`` (:mod:`~pipeline.project.file`,
found like git finds ``.git``) with its options on top
(:meth:`Project.from_settings`); a Python user builds it directly::

    from pipeline.project import Project
    project = Project(translations_dir="translations", output_dir="output")

Without a project file the defaults hold and the current directory is the
root: a document is named by its path under the root, without extension.
Catalog paths are derived here, so that no step spells out the layout of the
translations directory on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UserError
from pipeline.mt.engine import EngineOptions
from pipeline.project.settings import (
    AUTO,
    MemorySettings,
    ProjectSettings,
    PublishSettings,
    SourceSettings,
    TermSettings,
)

LOCK_FILE = ".pipeline.lock"

__all__ = ["AUTO", "LOCK_FILE", "Project", "ProjectSettings"]


def _env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment (tests shorten waits), else ``default``."""
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        raise UserError(f"{name}={os.environ[name]!r}: expected a number of seconds") from None


@dataclass
class Project:
    """Where catalogs and outputs live, and how to read, translate and publish."""

    translations_dir: Path = Path("translations")
    output_dir: Path = Path("output")
    source_language: str = "en"  # or "auto": detect each document's language
    encoding: str = "utf-8"
    engine: EngineOptions = field(default_factory=EngineOptions)
    use_cache: bool = True
    lock_timeout: float = field(default_factory=lambda: _env_seconds("PIPELINE_LOCK_TIMEOUT", 10.0))
    pivot: str | None = None  # translate through this language where no direct model exists
    executor: str = "local"  # "ray": Ray actors (pip install .[ray]); the cache stays here
    root: Path = Path(".")  # documents are named by their path under a source root
    sources: SourceSettings = field(default_factory=SourceSettings)
    target_languages: tuple[str, ...] = ()  # the default of --to
    strict_language: bool = False  # skip (not just warn about) a document in another language
    jobs: int = 0  # documents processed in parallel (0: one per core)
    publish: PublishSettings = field(default_factory=PublishSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)
    terms: TermSettings = field(default_factory=TermSettings)
    file: Path | None = None  # the pipeline.toml these settings came from

    def __post_init__(self) -> None:
        self.translations_dir = Path(self.translations_dir)
        self.output_dir = Path(self.output_dir)
        self.root = Path(self.root)

    @classmethod
    def from_settings(cls, settings: ProjectSettings) -> Project:
        """The project a ``pipeline.toml`` (plus command-line options) describes."""
        engine = settings.engine
        return cls(
            translations_dir=settings.translations_dir,
            output_dir=settings.output_dir,
            source_language=settings.source_language,
            encoding=settings.sources.encoding,
            engine=EngineOptions(device=engine.device, threads=engine.threads),
            use_cache=engine.cache,
            pivot=engine.pivot,
            executor=engine.executor,
            root=settings.root,
            sources=settings.sources,
            target_languages=settings.target_languages,
            strict_language=settings.strict_language,
            jobs=settings.jobs,
            publish=settings.publish,
            memory=settings.memory,
            terms=settings.terms,
            file=settings.file,
        )

    @property
    def detects_language(self) -> bool:
        """Whether each document's language is detected (``source_language = "auto"``)."""
        return self.source_language == AUTO

    def template_path(self, name: str) -> Path:
        """``<translations>/templates/<name>.pot``."""
        return self.translations_dir / "templates" / f"{name}.pot"

    def catalog_path(self, language: str, name: str) -> Path:
        """``<translations>/<language>/<name>.po``."""
        return self.translations_dir / language / f"{name}.po"

    @property
    def lock_path(self) -> Path:
        """The lock file that keeps two runs from writing the same catalogs."""
        return self.translations_dir / LOCK_FILE
