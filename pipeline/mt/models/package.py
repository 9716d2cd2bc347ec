"""What an Argos Translate package is: its identity, its metadata and its directory.

An Argos package (``.argosmodel``) is a zip holding one top-level directory with
``metadata.json``, a CTranslate2 ``model/`` and a tokenizer (``sentencepiece.model``
or ``bpe.model``). This module reads and checks those facts; it installs nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import UserError

ENGINE_NAME = "argos"  # the engine named in PO comments and MT-cache keys

#: ``progress(bytes_done, bytes_total_or_None)``, called as a download advances.
ProgressCallback = Callable[[int, int | None], None]


_CODE_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")  # used with fullmatch


_VERSION_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")  # used with fullmatch


class _PackageIdentity:
    """Pair and label shared by installed and available packages."""

    from_code: str
    to_code: str
    version: str

    @property
    def pair(self) -> str:
        """``"en→fr"``."""
        return f"{self.from_code}→{self.to_code}"

    @property
    def label(self) -> str:
        """Engine, pair and version, as PO comments name it: ``"argos en→fr 1.9"``."""
        return f"{ENGINE_NAME} {self.pair} {self.version}"


@dataclass(frozen=True)
class InstalledModel(_PackageIdentity):
    """An installed Argos translation package (one directory in the packages dir)."""

    from_code: str
    to_code: str
    version: str
    path: Path
    target_prefix: str = ""

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path / "model"

    def tokenizer(self) -> Any:
        """The tokenizer argostranslate uses for this package (``encode``/``decode``)."""
        from argostranslate.package import Package

        tokenizer = getattr(Package(self.path), "tokenizer", None)
        if tokenizer is None:
            raise UserError(f"{self.path}: package has no sentencepiece.model or bpe.model")
        return tokenizer


@dataclass(frozen=True)
class AvailableModel(_PackageIdentity):
    """A package listed in the online index."""

    from_code: str
    to_code: str
    version: str
    links: list[str] = field(default_factory=list)
    size: int | None = None
    checksum: str | None = None  # "algorithm:hexdigest", e.g. "sha256:9f86…"
    from_name: str = ""
    to_name: str = ""


@dataclass(frozen=True)
class ModelIndex:
    """The parsed index, where it came from and when it was fetched."""

    url: str
    fetched_at: datetime
    models: list[AvailableModel]
    from_cache: bool


def version_key(version: str) -> tuple[int, Any, str]:
    """Sort key for package versions: PEP 440 order, unparseable ones first, by text."""
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version), "")
    except InvalidVersion:
        return (0, Version("0"), version)


def same_pair(model: InstalledModel | AvailableModel, from_code: str, to_code: str) -> bool:
    return (
        model.from_code.casefold() == from_code.strip().casefold()
        and model.to_code.casefold() == to_code.strip().casefold()
    )


def parse_metadata(data: bytes, where: str) -> dict[str, Any]:
    """Check a package's metadata.json; return it. Raises UserError naming ``where``."""
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{where}: metadata.json is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise UserError(f"{where}: metadata.json is not a JSON object")
    kind = meta.get("type", "translate")
    if kind != "translate":
        raise UserError(f"{where}: not a translation package (type {kind!r})")
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not _CODE_RE.fullmatch(value):
            raise UserError(f"{where}: metadata.json has no valid {key} (got {value!r})")
    version = meta.get("package_version")
    if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
        raise UserError(f"{where}: metadata.json has no valid package_version (got {version!r})")
    if not isinstance(meta.get("target_prefix", ""), str):
        raise UserError(f"{where}: metadata.json target_prefix is not a string")
    return meta


def tokenizer_file(directory: Path) -> Path | None:
    for name in ("sentencepiece.model", "bpe.model"):
        if (directory / name).is_file():
            return directory / name
    return None


def model_from_dir(directory: Path) -> InstalledModel:
    """Read an installed package directory; UserError if it is not a usable one."""
    try:
        data = (directory / "metadata.json").read_bytes()
    except OSError as e:
        raise UserError(f"{directory}: no readable metadata.json ({e.strerror})") from None
    meta = parse_metadata(data, str(directory))
    if not (directory / "model" / "model.bin").is_file():
        raise UserError(f"{directory}: no CTranslate2 model (model/model.bin)")
    if tokenizer_file(directory) is None:
        raise UserError(f"{directory}: no tokenizer (sentencepiece.model or bpe.model)")
    return InstalledModel(
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        version=meta["package_version"],
        path=directory,
        target_prefix=meta.get("target_prefix", ""),
    )
