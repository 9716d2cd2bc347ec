"""Shared fixtures: a real (tiny) Argos model, an isolated model store, a CLI runner.

The model is built once per test session by :mod:`pipeline.testing` (a genuine
CTranslate2 transformer + SentencePiece package that translates word by word),
so tests assert exact translations without any download.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "examples" / "transcript.txt"
FAULTS = Path(__file__).resolve().parent / "faults.py"


def training_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    return [*texts, SEED.read_text(encoding="utf-8"), "The peace process is fragile."]


@pytest.fixture(scope="session")
def argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real en→fr .argosmodel file (word-by-word test model, version 1.0)."""
    from pipeline.testing import build_test_package

    return build_test_package(
        tmp_path_factory.mktemp("argosmodel"), training_texts=training_texts()
    )


@pytest.fixture(scope="session")
def package_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``package_file(from, to, version)``: a real .argosmodel, built once per session."""
    from pipeline.testing import build_test_package

    base = tmp_path_factory.mktemp("argosmodels")
    built: dict[tuple[str, str, str], Path] = {}

    def make(from_code: str = "en", to_code: str = "fr", version: str = "1.0") -> Path:
        key = (from_code, to_code, version)
        if key not in built:
            built[key] = build_test_package(
                base / "-".join(key),
                training_texts=["The peace process is fragile."],
                from_code=from_code,
                to_code=to_code,
                package_version=version,
            )
        return built[key]

    return make


@pytest.fixture(scope="session")
def _installed_store(tmp_path_factory: pytest.TempPathFactory, argosmodel: Path) -> Path:
    store = tmp_path_factory.mktemp("store")
    with zipfile.ZipFile(argosmodel) as archive:
        archive.extractall(store)
    return store


@pytest.fixture(autouse=True)
def _no_outside_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach the real Argos index: point it at a closed local port."""
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "pipeline-cache"))
    monkeypatch.setenv("PIPELINE_HTTP_TRIES", "1")


@pytest.fixture
def model_store(tmp_path: Path, _installed_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ARGOS_PACKAGES_DIR pointing at a fresh store holding the en→fr test model."""
    store = tmp_path / "argos-packages"
    shutil.copytree(_installed_store, store)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(store))
    return store


UNSURE_LOGIT_SCALE = 0.15  # the test model's logits times this: same output, scores below 0


@pytest.fixture(scope="session")
def _unsure_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.testing import build_test_package_dir

    store = tmp_path_factory.mktemp("unsure-store")
    build_test_package_dir(
        store, training_texts=training_texts(), logit_scale=UNSURE_LOGIT_SCALE
    )
    return store


@pytest.fixture
def unsure_model_store(_unsure_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ARGOS_PACKAGES_DIR holding an en→fr test model that is unsure of itself: it
    translates exactly as the usual one, but its scores are below 0 and differ
    between sentences (MT confidence tests). Read-only: shared by the session."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(_unsure_store))
    return _unsure_store


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "argos-empty"
    store.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(store))
    return store


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project directory holding a copy of the seed transcript; the cwd of the test."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(SEED, work / "transcript.txt")
    monkeypatch.chdir(work)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764240000")  # 2025-11-27: stable PO dates
    yield work


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    check: bool = False,
    fault: tuple[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``python -m pipeline ARGS`` as a user would, in a subprocess.

    The terminal is 200 columns wide unless ``env`` sets ``COLUMNS``. ``fault``
    (kind, path pattern) runs it through ``tests/faults.py``: a full disk, an
    immutable file … for the files matching the pattern.
    """
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})}
    program = ["-m", "pipeline"] if fault is None else [str(FAULTS), *fault]
    result = subprocess.run(
        [sys.executable, *program, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pipeline {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
