"""The online Argos package index: fetching and caching it, downloading packages from it.

The index (the ``index.json`` that ``argospm`` and LibreTranslate use) is
cached for a day; a stale copy is used when a refetch fails, so offline
machines keep working. Downloads are verified (size and checksum when the
index gives them) before they are installed through the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import UserError
from pipeline.fsutil import atomic_write_text
from pipeline.mt.models.archive import CHUNK
from pipeline.mt.models.http import check_url, fetch_to
from pipeline.mt.models.package import (
    AvailableModel,
    InstalledModel,
    ModelIndex,
    ProgressCallback,
    parse_metadata,
    same_pair,
    version_key,
)
from pipeline.mt.models.settings import cache_dir, index_url, max_package_bytes, packages_dir
from pipeline.mt.models.store import DOWNLOAD_PREFIX, find_model, install_file, installed_models

log = logging.getLogger(__name__)

INDEX_MAX_AGE_S = 24 * 3600  # a cached index older than this is refetched (stale copy kept)


_MAX_INDEX_BYTES = 64 * 1024**2


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
        meta = parse_metadata(json.dumps(entry).encode(), "index")
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
    return sorted(models, key=lambda m: (m.from_code, m.to_code, version_key(m.version)))


def _cache_file(url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return cache_dir() / "argos-index" / f"{digest}.json"


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
        fetch_to(url, out, insecure=insecure, max_bytes=_MAX_INDEX_BYTES, tries=tries)
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
    matches = [m for m in index.models if same_pair(m, from_code, to_code)]
    if not matches and index.from_cache and not refresh:
        return newest_available(from_code, to_code, refresh=True, insecure=insecure, tries=tries)
    return max(matches, key=lambda m: version_key(m.version)) if matches else None


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
        while chunk := f.read(CHUNK):
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
    fd, tmp_name = tempfile.mkstemp(prefix=DOWNLOAD_PREFIX, suffix=".argosmodel", dir=root)
    tmp = Path(tmp_name)
    try:
        error: UserError | None = None
        for url in _usable_links(model, insecure):
            try:
                with open(fd, "w+b", closefd=False) as out:
                    fetch_to(
                        url,
                        out,
                        progress,
                        insecure=insecure,
                        max_bytes=max_package_bytes(),
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
    if current is not None and version_key(current.version) >= version_key(candidate.version):
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
        offers = [a for a in index.models if same_pair(a, model.from_code, model.to_code)]
        best = max(offers, key=lambda a: version_key(a.version), default=None)
        if best is not None and version_key(best.version) > version_key(model.version):
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
