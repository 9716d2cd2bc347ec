"""The store of installed packages: finding them, installing and removing them atomically.

Installed packages live in one directory per package under
:func:`~pipeline.mt.models.settings.packages_dir` (``ARGOS_PACKAGES_DIR``),
where ``argostranslate`` finds them too. An install checks the archive
(:mod:`~pipeline.mt.models.archive`), extracts it into a hidden temporary
directory inside the packages directory, validates it and only then renames it
into place, replacing older versions of the same pair; a failure at any point
leaves the packages directory as it was. One installer at a time holds the
store's lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import UserError
from pipeline.fsutil import file_lock
from pipeline.mt.models.archive import (
    archive_metadata,
    check_archive,
    extract_package,
    validate_package_dir,
)
from pipeline.mt.models.package import (
    InstalledModel,
    model_from_dir,
    same_pair,
    version_key,
)
from pipeline.mt.models.settings import packages_dir

log = logging.getLogger(__name__)


_TEMP_PREFIXES = (".install-", ".old-")


DOWNLOAD_PREFIX = ".download-"


_STALE_DOWNLOAD_S = 3600


def _scan(root: Path) -> list[InstalledModel]:
    """Every usable translation package directly under ``root`` (hidden entries skipped)."""
    if not root.is_dir():
        return []
    models = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            models.append(model_from_dir(entry))
        except UserError as e:
            log.debug("skipping %s", e)
    return sorted(models, key=lambda m: (m.from_code, m.to_code, version_key(m.version)))


def installed_models() -> list[InstalledModel]:
    """Installed translation packages, sorted by pair then version."""
    return _scan(packages_dir())


def find_model(from_code: str, to_code: str) -> InstalledModel | None:
    """The installed package for the pair (the newest if several), or None."""
    matches = [m for m in installed_models() if same_pair(m, from_code, to_code)]
    return max(matches, key=lambda m: version_key(m.version)) if matches else None


def pivot_candidates(from_code: str, to_code: str) -> list[str]:
    """Codes X with both from→X and X→to installed (for ``--pivot X``), sorted."""
    models = installed_models()
    src = {m.to_code for m in models if m.from_code.casefold() == from_code.casefold()}
    dst = {m.from_code for m in models if m.to_code.casefold() == to_code.casefold()}
    skip = {from_code.casefold(), to_code.casefold()}
    return sorted(x for x in src & dst if x.casefold() not in skip)


def require_model(from_code: str, to_code: str) -> InstalledModel:
    """The installed package for the pair, or a UserError saying how to install it."""
    model = find_model(from_code, to_code)
    if model is not None:
        return model
    message = (
        f"no {from_code}→{to_code} translation model installed in {packages_dir()}: "
        f"run `pipeline models install {from_code} {to_code}` (online) or "
        f"`pipeline models install --file X.argosmodel` (offline)"
    )
    pivots = pivot_candidates(from_code, to_code)
    if pivots:
        x = pivots[0]
        message += (
            f"; {from_code}→{x} and {x}→{to_code} are installed: "
            f"`--pivot {x}` translates through them (lower quality)"
        )
    raise UserError(message)


@contextlib.contextmanager
def store_lock(root: Path) -> Iterator[None]:
    """Hold the packages directory's lock (one installer or remover at a time)."""
    busy = f"{root}: another process holds the model store lock (.lock)"
    with file_lock(root / ".lock", timeout=600, busy=busy):
        _clean_stale(root)
        yield


def _clean_stale(root: Path) -> None:
    """Remove what an interrupted install left behind (called with the lock held)."""
    now = time.time()
    for entry in root.iterdir():
        name = entry.name
        if name.startswith(_TEMP_PREFIXES):
            remove_path(entry)
        elif name.startswith(DOWNLOAD_PREFIX):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > _STALE_DOWNLOAD_S:
                    entry.unlink()


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _retire(path: Path) -> Path:
    """Atomically move ``path`` out of sight (``.old-…``) so it can be deleted at leisure."""
    hidden = path.parent / f".old-{uuid.uuid4().hex}"
    os.rename(path, hidden)
    return hidden


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _package_dir_name(meta: dict[str, Any]) -> str:
    """Argos's naming, e.g. ``translate-en_fr-1_9``."""
    version = re.sub(r"[^0-9A-Za-z]+", "_", meta["package_version"])
    return f"translate-{meta['from_code']}_{meta['to_code']}-{version}"


def _move_into_place(root: Path, staged: Path, meta: dict[str, Any]) -> InstalledModel:
    """Rename the validated ``staged`` directory into place and retire the pair's others."""
    dest = root / _package_dir_name(meta)
    others = [m.path for m in _scan(root) if same_pair(m, meta["from_code"], meta["to_code"])]
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staged, 0o777 & ~umask)  # mkdtemp made it 0700
    trash = [_retire(dest)] if dest.exists() or dest.is_symlink() else []
    os.rename(staged, dest)
    trash += [_retire(p) for p in others if p != dest and p.exists()]
    fsync_dir(root)
    for path in trash:
        remove_path(path)
    return model_from_dir(dest)


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


def install_file(
    path: Path,
    *,
    expected_pair: tuple[str, str] | None = None,
    source: str | None = None,
) -> InstalledModel:
    """Validate a ``.argosmodel`` file and install it atomically; return the installed model.

    Any version of the same pair already installed is replaced (the file is what
    the user asked for). ``expected_pair`` refuses a package for another pair;
    ``source`` (e.g. the download URL) names the package in error messages.
    """
    path = Path(path)
    where = source or str(path)
    if not path.exists():
        raise UserError(f"{where}: no such file")
    if not path.is_file():
        raise UserError(f"{where}: not a file (a .argosmodel package is a zip file)")
    root = packages_dir()
    with store_lock(root):
        staged = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
        try:
            meta = _unpack(where, path, staged, expected_pair)
            validate_package_dir(where, staged, meta)
            return _move_into_place(root, staged, meta)
        finally:
            remove_path(staged)


def _unpack(
    where: str, path: Path, staged: Path, expected_pair: tuple[str, str] | None
) -> dict[str, Any]:
    """Check the archive and extract its package directory's contents into ``staged``."""
    try:
        with zipfile.ZipFile(path) as zf:
            top = check_archive(where, zf, path.stat().st_size)
            meta = archive_metadata(where, zf, top)
            if expected_pair and not _pair_matches(meta, *expected_pair):
                raise UserError(
                    f"{where}: package is for {meta['from_code']}→{meta['to_code']}, "
                    f"expected {expected_pair[0]}→{expected_pair[1]}"
                )
            extract_package(where, zf, top, staged)
            return meta
    except UserError:
        raise
    except zipfile.BadZipFile as e:
        raise UserError(f"{where}: not a valid .argosmodel zip archive ({e})") from None
    except _ZIP_ERRORS as e:
        raise UserError(f"{where}: cannot unpack the package ({e})") from None


def _pair_matches(meta: dict[str, Any], from_code: str, to_code: str) -> bool:
    return (
        meta["from_code"].casefold() == from_code.casefold()
        and meta["to_code"].casefold() == to_code.casefold()
    )


def _archive_version(path: Path) -> tuple[str, str, str] | None:
    """(from, to, version) read from an archive's metadata, or None if unreadable."""
    try:
        with zipfile.ZipFile(path) as zf:
            top = check_archive(str(path), zf, path.stat().st_size)
            meta = archive_metadata(str(path), zf, top)
    except (UserError, *_ZIP_ERRORS):
        return None
    return meta["from_code"], meta["to_code"], meta["package_version"]


def install_from_dir(
    directory: Path,
    on_installed: Callable[[InstalledModel], None] | None = None,
) -> list[InstalledModel]:
    """Install every ``*.argosmodel`` in ``directory`` (the air-gapped case: a USB stick).

    A file whose pair is already installed at the same or a newer version is
    skipped (an old stick never downgrades a model). Valid files are installed
    even if others fail; then one UserError lists the failures.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".argosmodel")
    if not files:
        raise UserError(f"{directory}: no .argosmodel files in this directory")
    installed: list[InstalledModel] = []
    failures: list[str] = []
    for file in files:
        if _is_current(file):
            continue
        try:
            model = install_file(file)
        except UserError as e:
            failures.append(str(e))
            continue
        installed.append(model)
        if on_installed:
            on_installed(model)
    if failures:
        summary = "; ".join(failures)
        count = f"{len(failures)} of {len(files)}"
        raise UserError(f"{count} packages in {directory} failed: {summary}")
    return installed


def _is_current(file: Path) -> bool:
    """True if the archive's pair is installed at its version or newer."""
    info = _archive_version(file)
    if info is None:
        return False
    current = find_model(info[0], info[1])
    return current is not None and version_key(current.version) >= version_key(info[2])


def remove_model(from_code: str, to_code: str) -> InstalledModel:
    """Uninstall every version of the pair; return the newest one removed."""
    root = packages_dir()
    matches = [m for m in _scan(root) if same_pair(m, from_code, to_code)]
    if not matches:
        raise UserError(f"no {from_code}→{to_code} model is installed in {root}")
    with store_lock(root):
        trash = [_retire(m.path) for m in matches if m.path.exists()]
        fsync_dir(root)
        for path in trash:
            remove_path(path)
    return max(matches, key=lambda m: version_key(m.version))
