"""Argos Translate models: the installed store, safe installs, and the online index.

One module per job: :mod:`~pipeline.mt.models.package` (what a package is),
:mod:`~pipeline.mt.models.archive` (checking and unpacking an archive),
:mod:`~pipeline.mt.models.store` (installed packages, atomic installs),
:mod:`~pipeline.mt.models.http` and :mod:`~pipeline.mt.models.index` (the
online index and downloads), :mod:`~pipeline.mt.models.settings` (environment).
The names below are the package's public interface.
"""

from pipeline.mt.models.http import check_url
from pipeline.mt.models.index import (
    INDEX_MAX_AGE_S,
    available_models,
    download_and_install,
    install_from_index,
    load_index,
    newest_available,
    outdated_models,
    update_models,
)
from pipeline.mt.models.package import (
    ENGINE_NAME,
    AvailableModel,
    InstalledModel,
    ModelIndex,
    ProgressCallback,
)
from pipeline.mt.models.settings import index_url, packages_dir
from pipeline.mt.models.store import (
    find_model,
    install_file,
    install_from_dir,
    installed_models,
    pivot_candidates,
    remove_model,
    require_model,
)

__all__ = [
    "ENGINE_NAME",
    "INDEX_MAX_AGE_S",
    "AvailableModel",
    "InstalledModel",
    "ModelIndex",
    "ProgressCallback",
    "available_models",
    "check_url",
    "download_and_install",
    "find_model",
    "index_url",
    "install_file",
    "install_from_dir",
    "install_from_index",
    "installed_models",
    "load_index",
    "newest_available",
    "outdated_models",
    "packages_dir",
    "pivot_candidates",
    "remove_model",
    "require_model",
    "update_models",
]
