"""The Argos Translate model store: installed packages, safe installs, the online index.

An Argos package (``.argosmodel``) is a zip holding one top-level directory with
``metadata.json``, a CTranslate2 ``model/`` and a tokenizer (``sentencepiece.model``
or ``bpe.model``). Installed packages live in one directory per package under
:func:`packages_dir` (``ARGOS_PACKAGES_DIR``), where ``argostranslate`` finds them too.

Why not ``argostranslate.package.install_from_path``: it calls ``extractall``
(a crafted archive can write outside the directory) and is not atomic (a failed
install leaves half a package). Here every archive is checked member by member
(no ``..``, absolute names, symlinks, special files; bounded size and compression
ratio), extracted into a hidden temporary directory inside the packages
directory, validated (metadata, model, tokenizer, then loaded with
``argostranslate.package.Package`` exactly as Argos reads it) and only then
renamed into place, replacing older versions of the same pair. A failure at any
point leaves the packages directory as it was.

Settings are read from the environment at call time (``argostranslate.settings``
reads them once, at import), so that tests and long-lived processes see changes:

* ``ARGOS_PACKAGES_DIR``, ``ARGOS_PACKAGE_INDEX``: as in Argos Translate;
* ``PIPELINE_CACHE_DIR``: where the fetched index is cached (default: the
  platform's user cache directory);
* ``PIPELINE_HTTP_TIMEOUT`` (seconds, 30), ``PIPELINE_HTTP_TRIES`` (3),
  ``PIPELINE_HTTP_BACKOFF`` (seconds before the 2nd try, doubled after, 1);
* ``PIPELINE_MAX_PACKAGE_BYTES`` (uncompressed size limit, 4 GiB),
  ``PIPELINE_MAX_PACKAGE_RATIO`` (compression ratio limit, 200).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.errors import UserError
from pipeline.fsutil import atomic_write_text, file_lock
from pipeline.mt.engine import ENGINE_NAME

if TYPE_CHECKING:
    import urllib.request

log = logging.getLogger(__name__)

#: ``progress(bytes_done, bytes_total_or_None)``, called as a download advances.
ProgressCallback = Callable[[int, int | None], None]

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
USER_AGENT = "transcript-pipeline (Argos Translate package client)"
INDEX_MAX_AGE_S = 24 * 3600  # a cached index older than this is refetched (stale copy kept)
RATIO_FLOOR_BYTES = 64 * 1024**2  # members (and archives) unpacking to less skip the ratio test
_MAX_INDEX_BYTES = 64 * 1024**2
_MAX_METADATA_BYTES = 1024**2
_MAX_MEMBERS = 100_000
_CHUNK = 1024**2
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_CODE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$")
_TEMP_PREFIXES = (".install-", ".old-")
_DOWNLOAD_PREFIX = ".download-"
_STALE_DOWNLOAD_S = 3600


# --- data --------------------------------------------------------------------------


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


# --- settings ----------------------------------------------------------------------


def packages_dir() -> Path:
    """Where packages are installed: ``ARGOS_PACKAGES_DIR`` now, else argostranslate's."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env).expanduser()
    from argostranslate import settings

    return Path(settings.get_setting("ARGOS_PACKAGES_DIR", settings.data_dir / "packages"))


def index_url() -> str:
    """URL of ``index.json``: ``ARGOS_PACKAGE_INDEX`` (a base URL) + ``index.json``."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if not base:
        from argostranslate import settings

        base = str(settings.get_setting("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX_URL))
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _cache_dir() -> Path:
    env = os.environ.get("PIPELINE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("transcript-pipeline"))


def _env_number(name: str, default: float, minimum: float) -> float:
    """A numeric setting from the environment, checked (a typo must not mean 'no limit')."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise UserError(f"{name}={raw!r} must be at least {minimum:g}")
    return value


def _http_timeout() -> float:
    return _env_number("PIPELINE_HTTP_TIMEOUT", 30.0, 0.01)


def _http_tries() -> int:
    return int(_env_number("PIPELINE_HTTP_TRIES", 3, 1))


def _http_backoff() -> float:
    return _env_number("PIPELINE_HTTP_BACKOFF", 1.0, 0)


def _max_package_bytes() -> int:
    return int(_env_number("PIPELINE_MAX_PACKAGE_BYTES", 4 * 1024**3, 1))


def _max_ratio() -> float:
    return _env_number("PIPELINE_MAX_PACKAGE_RATIO", 200.0, 1)


# --- installed packages ------------------------------------------------------------


def _version_key(version: str) -> tuple[int, Any, str]:
    """Sort key for package versions: PEP 440 order, unparseable ones first, by text."""
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version), "")
    except InvalidVersion:
        return (0, Version("0"), version)


def _same_pair(model: InstalledModel | AvailableModel, from_code: str, to_code: str) -> bool:
    return (
        model.from_code.casefold() == from_code.strip().casefold()
        and model.to_code.casefold() == to_code.strip().casefold()
    )


def _parse_metadata(data: bytes, where: str) -> dict[str, Any]:
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
        if not isinstance(value, str) or not _CODE_RE.match(value):
            raise UserError(f"{where}: metadata.json has no valid {key} (got {value!r})")
    version = meta.get("package_version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise UserError(f"{where}: metadata.json has no valid package_version (got {version!r})")
    if not isinstance(meta.get("target_prefix", ""), str):
        raise UserError(f"{where}: metadata.json target_prefix is not a string")
    return meta


def _tokenizer_file(directory: Path) -> Path | None:
    for name in ("sentencepiece.model", "bpe.model"):
        if (directory / name).is_file():
            return directory / name
    return None


def _model_from_dir(directory: Path) -> InstalledModel:
    """Read an installed package directory; UserError if it is not a usable one."""
    try:
        data = (directory / "metadata.json").read_bytes()
    except OSError as e:
        raise UserError(f"{directory}: no readable metadata.json ({e.strerror})") from None
    meta = _parse_metadata(data, str(directory))
    if not (directory / "model" / "model.bin").is_file():
        raise UserError(f"{directory}: no CTranslate2 model (model/model.bin)")
    if _tokenizer_file(directory) is None:
        raise UserError(f"{directory}: no tokenizer (sentencepiece.model or bpe.model)")
    return InstalledModel(
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        version=meta["package_version"],
        path=directory,
        target_prefix=meta.get("target_prefix", ""),
    )


def _scan(root: Path) -> list[InstalledModel]:
    """Every usable translation package directly under ``root`` (hidden entries skipped)."""
    if not root.is_dir():
        return []
    models = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            models.append(_model_from_dir(entry))
        except UserError as e:
            log.debug("skipping %s", e)
    return sorted(models, key=lambda m: (m.from_code, m.to_code, _version_key(m.version)))


def installed_models() -> list[InstalledModel]:
    """Installed translation packages, sorted by pair then version."""
    return _scan(packages_dir())


def find_model(from_code: str, to_code: str) -> InstalledModel | None:
    """The installed package for the pair (the newest if several), or None."""
    matches = [m for m in installed_models() if _same_pair(m, from_code, to_code)]
    return max(matches, key=lambda m: _version_key(m.version)) if matches else None


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


# --- the store: locking, temporary entries, atomic moves -----------------------------


@contextlib.contextmanager
def _store_lock(root: Path) -> Iterator[None]:
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
            _remove_path(entry)
        elif name.startswith(_DOWNLOAD_PREFIX):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > _STALE_DOWNLOAD_S:
                    entry.unlink()


def _remove_path(path: Path) -> None:
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


def _fsync_dir(directory: Path) -> None:
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
    others = [m.path for m in _scan(root) if _same_pair(m, meta["from_code"], meta["to_code"])]
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staged, 0o777 & ~umask)  # mkdtemp made it 0700
    trash = [_retire(dest)] if dest.exists() or dest.is_symlink() else []
    os.rename(staged, dest)
    trash += [_retire(p) for p in others if p != dest and p.exists()]
    _fsync_dir(root)
    for path in trash:
        _remove_path(path)
    return _model_from_dir(dest)


# --- archive checks ----------------------------------------------------------------


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
    limit = _max_package_bytes()
    if total > limit:
        raise UserError(
            f"{where}: archive unpacks to {total} bytes, over the {limit}-byte limit "
            "(PIPELINE_MAX_PACKAGE_BYTES); refusing it"
        )
    if packed > archive_size:
        raise UserError(f"{where}: archive members overlap (a zip bomb); refusing it")
    max_ratio = _max_ratio()
    for name, size, csize in [(i.filename, i.file_size, i.compress_size) for i in infos] + [
        ("the archive", total, packed)
    ]:
        ratio = size / max(csize, 1)
        if size > RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise UserError(
                f"{where}: {name} has compression ratio {ratio:.0f}:1, over the "
                f"{max_ratio:g}:1 limit (PIPELINE_MAX_PACKAGE_RATIO; a zip bomb?); refusing it"
            )


def _check_archive(where: str, zf: zipfile.ZipFile, archive_size: int) -> str:
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


def _archive_metadata(where: str, zf: zipfile.ZipFile, top: str) -> dict[str, Any]:
    """Read and check ``top/metadata.json`` without extracting anything."""
    try:
        info = zf.getinfo(f"{top}/metadata.json")
    except KeyError:
        raise UserError(f"{where}: no {top}/metadata.json in the archive") from None
    if info.file_size > _MAX_METADATA_BYTES:
        raise UserError(f"{where}: metadata.json is too large ({info.file_size} bytes)")
    return _parse_metadata(zf.read(info), where)


def _extract(where: str, zf: zipfile.ZipFile, top: str, dest: Path) -> None:
    """Extract the members under ``top/`` into ``dest``, streaming with size checks."""
    limit = _max_package_bytes()
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
        while chunk := src.read(_CHUNK):
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


def _validate_package_dir(where: str, directory: Path, meta: dict[str, Any]) -> None:
    """Check the unpacked package as Argos and our engine will use it."""
    if not (directory / "model" / "model.bin").is_file():
        raise UserError(f"{where}: no CTranslate2 model (model/model.bin) in the package")
    tokenizer = _tokenizer_file(directory)
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


# --- installing --------------------------------------------------------------------


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
    with _store_lock(root):
        staged = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
        try:
            meta = _unpack(where, path, staged, expected_pair)
            _validate_package_dir(where, staged, meta)
            return _move_into_place(root, staged, meta)
        finally:
            _remove_path(staged)


def _unpack(
    where: str, path: Path, staged: Path, expected_pair: tuple[str, str] | None
) -> dict[str, Any]:
    """Check the archive and extract its package directory's contents into ``staged``."""
    try:
        with zipfile.ZipFile(path) as zf:
            top = _check_archive(where, zf, path.stat().st_size)
            meta = _archive_metadata(where, zf, top)
            if expected_pair and not _pair_matches(meta, *expected_pair):
                raise UserError(
                    f"{where}: package is for {meta['from_code']}→{meta['to_code']}, "
                    f"expected {expected_pair[0]}→{expected_pair[1]}"
                )
            _extract(where, zf, top, staged)
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
            top = _check_archive(str(path), zf, path.stat().st_size)
            meta = _archive_metadata(str(path), zf, top)
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
    return current is not None and _version_key(current.version) >= _version_key(info[2])


def remove_model(from_code: str, to_code: str) -> InstalledModel:
    """Uninstall every version of the pair; return the newest one removed."""
    root = packages_dir()
    matches = [m for m in _scan(root) if _same_pair(m, from_code, to_code)]
    if not matches:
        raise UserError(f"no {from_code}→{to_code} model is installed in {root}")
    with _store_lock(root):
        trash = [_retire(m.path) for m in matches if m.path.exists()]
        _fsync_dir(root)
        for path in trash:
            _remove_path(path)
    return max(matches, key=lambda m: _version_key(m.version))


# --- HTTP --------------------------------------------------------------------------


def check_url(url: str, insecure: bool = False, what: str = "index") -> None:
    """Allow https, and plain http only to this machine or with ``insecure``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and (insecure or (parts.hostname or "") in _LOCAL_HOSTS):
        return
    raise UserError(
        f"refusing {what} URL {url}: only https (or http://127.0.0.1 / localhost) is allowed"
        + ("; pass --insecure to allow plain http" if scheme == "http" else "")
    )


class _Transient(Exception):
    """A failure worth retrying (5xx, connection trouble, timeout, short body)."""


def _opener(insecure: bool) -> urllib.request.OpenerDirector:
    """An opener whose redirects obey the same URL policy."""
    import urllib.request

    class SafeRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
            check_url(newurl, insecure, "redirect")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(SafeRedirect())


def _fetch_once(
    url: str,
    out: IO[bytes],
    progress: ProgressCallback | None,
    *,
    insecure: bool,
    timeout: float,
    max_bytes: int,
    size_hint: int | None,
) -> int:
    """One GET of ``url`` into ``out``; raise _Transient for what a retry may fix."""
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _opener(insecure).open(request, timeout=timeout) as response:
            return _read_body(response, out, progress, max_bytes, size_hint)
    except urllib.error.HTTPError as e:
        e.close()
        if e.code >= 500 or e.code in (408, 429):
            raise _Transient(f"HTTP {e.code} {e.reason}") from None
        raise UserError(f"download failed: {url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, ssl.SSLCertVerificationError):
            raise UserError(f"download failed: {url}: {e.reason}") from None
        raise _Transient(str(e.reason)) from None
    except (TimeoutError, http.client.HTTPException, OSError) as e:
        raise _Transient(_describe(e)) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    return str(error) or type(error).__name__


def _read_body(
    response: Any,
    out: IO[bytes],
    progress: ProgressCallback | None,
    max_bytes: int,
    size_hint: int | None,
) -> int:
    """Stream the response body to ``out`` with progress; check its length."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else size_hint
    if total is not None and total > max_bytes:
        raise UserError(f"download of {total} bytes is over the {max_bytes}-byte limit")
    done = 0
    if progress:
        progress(0, total)
    while chunk := response.read(_CHUNK // 4):
        done += len(chunk)
        if done > max_bytes:
            raise UserError(f"download is over the {max_bytes}-byte limit")
        out.write(chunk)
        if progress:
            progress(done, total)
    if length and length.isdigit() and done != int(length):
        raise _Transient(f"truncated: got {done} of {length} bytes")
    return done


def _fetch_to(
    url: str,
    out: IO[bytes],
    progress: ProgressCallback | None = None,
    *,
    insecure: bool = False,
    max_bytes: int,
    tries: int | None = None,
    size_hint: int | None = None,
) -> int:
    """Download ``url`` into ``out`` (rewound on each try), retrying transient failures."""
    check_url(url, insecure, "download")
    tries = tries or _http_tries()
    timeout, backoff = _http_timeout(), _http_backoff()
    reason = ""
    for attempt in range(1, tries + 1):
        out.seek(0)
        out.truncate()
        try:
            return _fetch_once(
                url,
                out,
                progress,
                insecure=insecure,
                timeout=timeout,
                max_bytes=max_bytes,
                size_hint=size_hint,
            )
        except _Transient as e:
            reason = str(e)
            log.info("try %d of %d for %s failed: %s", attempt, tries, url, reason)
        if attempt < tries:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise UserError(f"download failed after {tries} tries: {url}: {reason}")


# --- the index ---------------------------------------------------------------------


def _checksum(entry: dict[str, Any]) -> str | None:
    """Normalise whatever checksum an index entry gives to ``algorithm:hex``."""
    value = entry.get("sha256")
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return f"sha256:{value.lower()}"
    value = entry.get("checksum")
    if not isinstance(value, str):
        return None
    algo, _, digest = value.rpartition(":")
    if not algo:
        algo = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}.get(len(digest), "")
    algo = algo.lower().replace("-", "")
    if algo in hashlib.algorithms_available and re.fullmatch(r"[0-9a-fA-F]+", digest):
        return f"{algo}:{digest.lower()}"
    log.warning("ignoring unrecognised checksum %r", value)
    return None


def _available_from_entry(entry: Any) -> AvailableModel | None:
    """One index entry as an AvailableModel, or None if it is not a usable package."""
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return None
    try:
        meta = _parse_metadata(json.dumps(entry).encode(), "index")
    except UserError:
        return None
    links = [link for link in entry.get("links") or [] if isinstance(link, str)]
    size = next(
        (
            entry[k]
            for k in ("size", "size_bytes", "filesize")
            if isinstance(entry.get(k), int) and entry[k] >= 0
        ),
        None,
    )
    return AvailableModel(
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        version=meta["package_version"],
        links=links,
        size=size,
        checksum=_checksum(entry),
        from_name=str(entry.get("from_name", "")),
        to_name=str(entry.get("to_name", "")),
    )


def _parse_index(data: Any, url: str) -> list[AvailableModel]:
    if not isinstance(data, list):
        raise UserError(f"{url}: not an Argos package index (expected a JSON list)")
    models = [m for m in map(_available_from_entry, data) if m is not None]
    return sorted(models, key=lambda m: (m.from_code, m.to_code, _version_key(m.version)))


def _cache_file(url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return _cache_dir() / "argos-index" / f"{digest}.json"


def _read_cache(url: str) -> tuple[float, Any] | None:
    """(fetch time, raw index) from the cache, or None if absent or unreadable."""
    try:
        cached = json.loads(_cache_file(url).read_text("utf-8"))
        if cached["url"] == url and isinstance(cached["index"], list):
            return float(cached["fetched_at"]), cached["index"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _fetch_index(url: str, insecure: bool, tries: int | None) -> Any:
    with tempfile.TemporaryFile() as out:
        _fetch_to(url, out, insecure=insecure, max_bytes=_MAX_INDEX_BYTES, tries=tries)
        out.seek(0)
        try:
            return json.loads(out.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UserError(f"{url}: the index is not valid JSON ({e})") from None


def load_index(
    refresh: bool = False, *, insecure: bool = False, tries: int | None = None
) -> ModelIndex:
    """The package index: the cached copy if fresh (under a day old), else fetched.

    ``refresh`` always refetches. If a refetch of a stale cache fails, the stale
    copy is used (offline machines keep working); without a cache the error is raised.
    """
    url = index_url()
    check_url(url, insecure, "index")
    cached = _read_cache(url)
    if cached and not refresh and time.time() - cached[0] < INDEX_MAX_AGE_S:
        return _index(url, cached[0], cached[1], True)
    try:
        raw = _fetch_index(url, insecure, tries)
        models = _parse_index(raw, url)
    except UserError as e:
        if cached is None or refresh:
            raise
        log.warning("using the cached index: %s", e)
        return _index(url, cached[0], cached[1], True)
    fetched_at = time.time()
    payload = {"url": url, "fetched_at": fetched_at, "index": raw}
    atomic_write_text(_cache_file(url), json.dumps(payload))
    return ModelIndex(url, _utc(fetched_at), models, from_cache=False)


def _index(url: str, fetched_at: float, raw: Any, from_cache: bool) -> ModelIndex:
    return ModelIndex(url, _utc(fetched_at), _parse_index(raw, url), from_cache)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def available_models(
    refresh: bool = False,
    from_code: str | None = None,
    to_code: str | None = None,
    *,
    insecure: bool = False,
) -> list[AvailableModel]:
    """Packages in the index, optionally for one source and/or target language."""
    models = load_index(refresh, insecure=insecure).models
    return [
        m
        for m in models
        if (from_code is None or m.from_code.casefold() == from_code.casefold())
        and (to_code is None or m.to_code.casefold() == to_code.casefold())
    ]


def newest_available(
    from_code: str,
    to_code: str,
    *,
    refresh: bool = False,
    insecure: bool = False,
    tries: int | None = None,
) -> AvailableModel | None:
    """The index's newest package for the pair (refetching once if a cached index lacks it)."""
    index = load_index(refresh, insecure=insecure, tries=tries)
    matches = [m for m in index.models if _same_pair(m, from_code, to_code)]
    if not matches and index.from_cache and not refresh:
        return newest_available(from_code, to_code, refresh=True, insecure=insecure, tries=tries)
    return max(matches, key=lambda m: _version_key(m.version)) if matches else None


# --- installing from the index -----------------------------------------------------


def _verify(path: Path, model: AvailableModel, url: str) -> None:
    """Check the downloaded file against the index's size and checksum, where given."""
    if model.size is not None and path.stat().st_size != model.size:
        raise UserError(
            f"download failed: {url}: got {path.stat().st_size} bytes, the index says {model.size}"
        )
    if model.checksum is None:
        return
    algo, _, expected = model.checksum.partition(":")
    digest = hashlib.new(algo)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != expected:
        raise UserError(
            f"download failed: {url}: {algo} checksum mismatch "
            f"(got {digest.hexdigest()}, the index says {expected})"
        )


def _usable_links(model: AvailableModel, insecure: bool) -> list[str]:
    """The package's http(s) links that the URL policy allows (ipfs:// etc. skipped)."""
    web = [u for u in model.links if urlsplit(u).scheme.lower() in ("http", "https")]
    allowed = []
    for url in web:
        with contextlib.suppress(UserError):
            check_url(url, insecure, "download")
            allowed.append(url)
    if allowed:
        return allowed
    if web:
        check_url(web[0], insecure, "download")  # raises, with the reason
    raise UserError(f"the index gives no http(s) download link for {model.label}")


def download_and_install(
    model: AvailableModel, progress: ProgressCallback | None = None, *, insecure: bool = False
) -> InstalledModel:
    """Download ``model`` into a hidden temporary file, verify it, install it atomically."""
    root = packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_DOWNLOAD_PREFIX, suffix=".argosmodel", dir=root)
    tmp = Path(tmp_name)
    try:
        error: UserError | None = None
        for url in _usable_links(model, insecure):
            try:
                with open(fd, "w+b", closefd=False) as out:
                    _fetch_to(
                        url,
                        out,
                        progress,
                        insecure=insecure,
                        max_bytes=_max_package_bytes(),
                        size_hint=model.size,
                    )
                    out.flush()
                    os.fsync(out.fileno())
                _verify(tmp, model, url)
                return install_file(tmp, expected_pair=(model.from_code, model.to_code), source=url)
            except UserError as e:
                error = e
        assert error is not None  # _usable_links returned at least one link
        raise error
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def install_from_index(
    from_code: str,
    to_code: str,
    progress: ProgressCallback | None = None,
    *,
    insecure: bool = False,
    refresh: bool = False,
) -> InstalledModel:
    """Install the index's newest package for the pair; return the installed model.

    If that version (or a newer one) is already installed, return it without
    downloading anything (compare with :func:`find_model` beforehand to tell).
    """
    candidate = newest_available(from_code, to_code, refresh=refresh, insecure=insecure)
    if candidate is None:
        raise UserError(
            f"the model index {index_url()} has no {from_code}→{to_code} package; "
            "`pipeline models available` lists the pairs it has"
        )
    current = find_model(from_code, to_code)
    if current is not None and _version_key(current.version) >= _version_key(candidate.version):
        return current
    return download_and_install(candidate, progress, insecure=insecure)


def outdated_models(
    from_code: str | None = None,
    to_code: str | None = None,
    *,
    refresh: bool = True,
    insecure: bool = False,
) -> list[tuple[InstalledModel, AvailableModel]]:
    """Installed models (optionally filtered) for which the index has a newer version."""
    newest: dict[tuple[str, str], InstalledModel] = {}
    for m in installed_models():  # sorted by version: the last one per pair wins
        if (from_code is None or m.from_code.casefold() == from_code.casefold()) and (
            to_code is None or m.to_code.casefold() == to_code.casefold()
        ):
            newest[(m.from_code, m.to_code)] = m
    if not newest:
        if from_code is None and to_code is None:
            return []
        pair = f"{from_code or '*'}→{to_code or '*'}"
        raise UserError(f"no {pair} model is installed in {packages_dir()}; nothing to update")
    index = load_index(refresh, insecure=insecure)
    result = []
    for model in newest.values():
        offers = [a for a in index.models if _same_pair(a, model.from_code, model.to_code)]
        best = max(offers, key=lambda a: _version_key(a.version), default=None)
        if best is not None and _version_key(best.version) > _version_key(model.version):
            result.append((model, best))
    return result


def update_models(
    from_code: str | None = None,
    to_code: str | None = None,
    progress: ProgressCallback | None = None,
    *,
    insecure: bool = False,
    refresh: bool = True,
) -> list[InstalledModel]:
    """Install newer versions of installed models where the index has them; return those."""
    return [
        download_and_install(available, progress, insecure=insecure)
        for _, available in outdated_models(from_code, to_code, refresh=refresh, insecure=insecure)
    ]
