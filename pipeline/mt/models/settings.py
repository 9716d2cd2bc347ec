"""Settings of the model store and index client, read from the environment at call time.

``argostranslate.settings`` reads them once, at import; reading them here on
each call lets tests and long-lived processes see changes:

* ``ARGOS_PACKAGES_DIR``, ``ARGOS_PACKAGE_INDEX``: as in Argos Translate;
* ``PIPELINE_CACHE_DIR``: where the fetched index is cached (default: the
  platform's user cache directory);
* ``PIPELINE_HTTP_TIMEOUT`` (seconds, 30), ``PIPELINE_HTTP_TRIES`` (3),
  ``PIPELINE_HTTP_BACKOFF`` (seconds before the 2nd try, doubled after, 1);
* ``PIPELINE_MAX_PACKAGE_BYTES`` (uncompressed size limit, 4 GiB),
  ``PIPELINE_MAX_PACKAGE_RATIO`` (compression ratio limit, 200).
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.errors import UserError

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"


def packages_dir() -> Path:
    """Where packages are installed: ``ARGOS_PACKAGES_DIR`` now, else argostranslate's."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        path = Path(env).expanduser()
    else:
        from argostranslate import settings

        path = Path(settings.get_setting("ARGOS_PACKAGES_DIR", settings.data_dir / "packages"))
    if path.exists() and not path.is_dir():
        raise UserError(f"ARGOS_PACKAGES_DIR={path}: is a file, expected a directory of models")
    return path


def index_url() -> str:
    """URL of ``index.json``: ``ARGOS_PACKAGE_INDEX`` (a base URL) + ``index.json``."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if not base:
        from argostranslate import settings

        base = str(settings.get_setting("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX_URL))
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def cache_dir() -> Path:
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


def http_timeout() -> float:
    return _env_number("PIPELINE_HTTP_TIMEOUT", 30.0, 0.01)


def http_tries() -> int:
    return int(_env_number("PIPELINE_HTTP_TRIES", 3, 1))


def http_backoff() -> float:
    return _env_number("PIPELINE_HTTP_BACKOFF", 1.0, 0)


def max_package_bytes() -> int:
    return int(_env_number("PIPELINE_MAX_PACKAGE_BYTES", 4 * 1024**3, 1))


def max_ratio() -> float:
    return _env_number("PIPELINE_MAX_PACKAGE_RATIO", 200.0, 1)
