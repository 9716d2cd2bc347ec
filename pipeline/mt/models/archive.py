"""Checking and unpacking a package archive before anything is installed.

Why not ``argostranslate.package.install_from_path`` (``zipfile.extractall``)?
Not "zip-slip": Python's ``zipfile`` already strips ``..`` components and
absolute names when it extracts. The real risks are different: an archive
whose members land in *another* package's directory or outside the one
top-level directory a package has, members that are symbolic links, devices
or encrypted, archives that unpack to far more than they declare (zip bombs),
and an install that fails half-way and leaves half a package where Argos will
load it. So every member is checked by name and kind, sizes and compression
ratios are bounded, members are copied one by one with a byte budget into a
staging directory, and the result is validated as Argos reads it before
:mod:`~pipeline.mt.models.store` renames it into place.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

from pipeline.errors import UserError
from pipeline.mt.models.package import parse_metadata, tokenizer_file
from pipeline.mt.models.settings import max_package_bytes, max_ratio

RATIO_FLOOR_BYTES = 64 * 1024**2  # members (and archives) unpacking to less skip the ratio test


_MAX_METADATA_BYTES = 1024**2


_MAX_MEMBERS = 100_000


CHUNK = 1024**2  # bytes copied or hashed at a time


def _check_member_name(where: str, name: str) -> list[str]:
    """Refuse names that could land outside the package directory; return the parts."""
    if not name or "\x00" in name or "\\" in name:
        raise UserError(f"{where}: refusing archive member {name!r} (odd characters)")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UserError(f"{where}: refusing archive member {name!r} (absolute path)")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UserError(f"{where}: refusing archive member {name!r} (escapes the package dir)")
    return parts


def _check_member_kind(where: str, info: zipfile.ZipInfo) -> None:
    """Only plain files and directories; no symlinks, devices, encrypted members."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise UserError(f"{where}: refusing archive member {info.filename!r} (symbolic link)")
    allowed = (0, stat.S_IFDIR) if info.is_dir() else (0, stat.S_IFREG)
    if kind not in allowed:
        raise UserError(f"{where}: refusing archive member {info.filename!r} (not a plain file)")
    if info.flag_bits & 0x1:
        raise UserError(f"{where}: refusing archive member {info.filename!r} (encrypted)")


def _check_sizes(where: str, infos: list[zipfile.ZipInfo], archive_size: int) -> None:
    """Refuse archives that would unpack to too much (zip bombs)."""
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    limit = max_package_bytes()
    if total > limit:
        raise UserError(
            f"{where}: archive unpacks to {total} bytes, over the {limit}-byte limit "
            "(PIPELINE_MAX_PACKAGE_BYTES); refusing it"
        )
    if packed > archive_size:
        raise UserError(f"{where}: archive members overlap (a zip bomb); refusing it")
    ratio_limit = max_ratio()
    for name, size, csize in [(i.filename, i.file_size, i.compress_size) for i in infos] + [
        ("the archive", total, packed)
    ]:
        ratio = size / max(csize, 1)
        if size > RATIO_FLOOR_BYTES and ratio > ratio_limit:
            raise UserError(
                f"{where}: {name} has compression ratio {ratio:.0f}:1, over the "
                f"{ratio_limit:g}:1 limit (PIPELINE_MAX_PACKAGE_RATIO; a zip bomb?); refusing it"
            )


def check_archive(where: str, zf: zipfile.ZipFile, archive_size: int) -> str:
    """Check every member of a package archive; return its single top-level directory."""
    infos = zf.infolist()
    if not infos:
        raise UserError(f"{where}: the archive is empty")
    if len(infos) > _MAX_MEMBERS:
        raise UserError(f"{where}: too many archive members ({len(infos)})")
    seen: set[str] = set()
    tops: set[str] = set()
    for info in infos:
        parts = _check_member_name(where, info.filename)
        _check_member_kind(where, info)
        key = "/".join(parts)
        if key in seen:
            raise UserError(f"{where}: archive member {info.filename!r} appears twice")
        seen.add(key)
        tops.add(parts[0])
        if len(parts) == 1 and not info.is_dir():
            raise UserError(
                f"{where}: {info.filename!r} is outside the package directory "
                "(a package holds one top-level directory)"
            )
    if len(tops) != 1:
        raise UserError(f"{where}: expected one top-level directory, found {len(tops)}")
    _check_sizes(where, infos, archive_size)
    return tops.pop()


def archive_metadata(where: str, zf: zipfile.ZipFile, top: str) -> dict[str, Any]:
    """Read and check ``top/metadata.json`` without extracting anything."""
    try:
        info = zf.getinfo(f"{top}/metadata.json")
    except KeyError:
        raise UserError(f"{where}: no {top}/metadata.json in the archive") from None
    if info.file_size > _MAX_METADATA_BYTES:
        raise UserError(f"{where}: metadata.json is too large ({info.file_size} bytes)")
    return parse_metadata(zf.read(info), where)


def extract_package(where: str, zf: zipfile.ZipFile, top: str, dest: Path) -> None:
    """Extract the members under ``top/`` into ``dest``, streaming with size checks."""
    limit = max_package_bytes()
    written = 0
    real_dest = os.path.realpath(dest)
    for info in zf.infolist():
        rel = info.filename.rstrip("/").split("/")[1:]
        if not rel:
            continue
        target = dest.joinpath(*rel)
        if os.path.commonpath([os.path.realpath(target), real_dest]) != real_dest:
            raise UserError(f"{where}: refusing archive member {info.filename!r} (escapes)")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written += _copy_member(where, zf, info, target, limit - written)


def _copy_member(
    where: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int
) -> int:
    """Copy one member to a new file, never more than it declares or the budget allows."""
    copied = 0
    with zf.open(info) as src, open(target, "xb") as out:
        while chunk := src.read(CHUNK):
            copied += len(chunk)
            if copied > info.file_size or copied > budget:
                raise UserError(
                    f"{where}: archive member {info.filename!r} unpacks to more than it "
                    "declares or than the size limit; refusing it"
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return copied


def validate_package_dir(where: str, directory: Path, meta: dict[str, Any]) -> None:
    """Check the unpacked package as Argos and our engine will use it."""
    if not (directory / "model" / "model.bin").is_file():
        raise UserError(f"{where}: no CTranslate2 model (model/model.bin) in the package")
    tokenizer = tokenizer_file(directory)
    if tokenizer is None:
        raise UserError(f"{where}: no tokenizer (sentencepiece.model or bpe.model)")
    if tokenizer.name == "sentencepiece.model":
        import sentencepiece

        try:
            sentencepiece.SentencePieceProcessor(model_file=str(tokenizer))
        except Exception as e:  # sentencepiece raises RuntimeError/OSError on bad files
            raise UserError(f"{where}: sentencepiece.model is not a valid model ({e})") from None
    from argostranslate.package import Package

    try:
        package = Package(directory)
    except Exception as e:  # whatever argostranslate trips over, the user must hear it
        raise UserError(f"{where}: argostranslate cannot load the package ({e})") from None
    if (package.from_code, package.to_code) != (meta["from_code"], meta["to_code"]):
        raise UserError(f"{where}: argostranslate reads a different pair from the package")
