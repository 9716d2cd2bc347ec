"""A project: where catalogs and outputs live, and how transcripts are read and translated.

:class:`Project` is the one settings object every step receives. It is plain
data: the command line builds it from its options (and, with a project file,
from ``pipeline.toml``); a Python user builds it directly::

    from pipeline.project import Project
    project = Project(translations_dir="translations", output_dir="output")

Catalog paths are derived here, so that no step spells out the layout of the
translations directory on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UserError
from pipeline.mt.engine import EngineOptions

LOCK_FILE = ".pipeline.lock"


def _env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment (tests shorten waits), else ``default``."""
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        raise UserError(f"{name}={os.environ[name]!r}: expected a number of seconds") from None


@dataclass
class Project:
    """Where catalogs and outputs live, and how to read and translate."""

    translations_dir: Path = Path("translations")
    output_dir: Path = Path("output")
    source_language: str = "en"
    encoding: str = "utf-8"
    engine: EngineOptions = field(default_factory=EngineOptions)
    use_cache: bool = True
    lock_timeout: float = field(default_factory=lambda: _env_seconds("PIPELINE_LOCK_TIMEOUT", 10.0))
    pivot: str | None = None  # translate through this language where no direct model exists
    executor: str = "local"  # "ray": Ray actors (pip install .[ray]); the cache stays here

    def __post_init__(self) -> None:
        self.translations_dir = Path(self.translations_dir)
        self.output_dir = Path(self.output_dir)

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
