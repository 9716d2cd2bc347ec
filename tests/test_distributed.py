"""The optional Ray executor (pipeline.mt.distributed) and the default path's independence from it.

The Ray tests start a local Ray instance on this machine and are skipped when
Ray is not installed (it is an optional extra: ``pip install .[ray]``).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from pipeline.testing import word_by_word

NO_RAY = "Ray is not installed (optional extra: pip install .[ray])"


def test_default_run_does_not_import_ray(workdir: Path, model_store: Path) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('ray imported' if 'ray' in sys.modules else 'no ray'))\n"
        "from pipeline.cli import main\n"
        "sys.argv = ['pipeline', 'run', 'transcript.txt', '--to', 'fr', '--quiet']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no ray"
    assert (workdir / "output" / "fr" / "transcript.txt").exists()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[object]:
    ray = pytest.importorskip("ray", reason=NO_RAY)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _route() -> object:
    from pipeline.mt.engine import Route
    from pipeline.mt.models import require_model

    return Route((require_model("en", "fr"),))


def test_ray_engine_translates_like_the_model(local_ray: object, model_store: Path) -> None:
    from pipeline.mt.distributed import RayEngine
    from pipeline.mt.engine import EngineOptions

    sentences = [
        f"Statement {i} is about {'the peace process ' * (i % 4)}today." for i in range(40)
    ]
    done: list[int] = []
    engine = RayEngine(_route(), EngineOptions(), workers=2, cpus_per_worker=1, batch_sentences=7)
    try:
        assert engine.workers == 2
        results = dict(engine.translate_stream(sentences, done.append))
    finally:
        engine.close()
    assert results == {i: word_by_word(s) for i, s in enumerate(sentences)}
    assert sum(done) == 40 and max(done) <= 7  # progress per batch of at most 7


def test_ray_engine_carries_scores(local_ray: object, unsure_model_store: Path) -> None:
    from pipeline.mt.distributed import RayEngine
    from pipeline.mt.engine import EngineOptions

    sentences = [f"Statement {i} is about {'the peace process ' * (i % 3)}today." for i in range(9)]
    local = _route().open(EngineOptions(threads=1))
    expected = dict(local.translate_scored_stream(sentences))
    engine = RayEngine(_route(), EngineOptions(), workers=2, cpus_per_worker=1, batch_sentences=4)
    try:
        results = dict(engine.translate_scored_stream(sentences))
    finally:
        engine.close()
    assert {i: r.text for i, r in results.items()} == {
        i: word_by_word(s) for i, s in enumerate(sentences)
    }
    for index, result in results.items():
        assert result.score == pytest.approx(expected[index].score, rel=1e-3)
        assert result.score < 0


def test_ray_engine_in_a_run_driver_writes_cache_and_po(
    local_ray: object, workdir: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import api
    from pipeline.mt.distributed import RayEngine
    from pipeline.mt.engine import Route

    engines: list[RayEngine] = []

    def open_on_ray(route: Route, options: object = None) -> RayEngine:
        engines.append(RayEngine(route, options, workers=2, cpus_per_worker=1))
        return engines[-1]

    monkeypatch.setattr(Route, "open", open_on_ray)
    project = api.Project()
    sources = api.find_sources(["transcript.txt"])
    try:
        report = api.translate(project, sources, ["fr"])
    finally:
        for engine in engines:
            engine.close()
    assert len(engines) == 1 and report.translated["fr"] > 30
    po = polib.pofile(str(workdir / "translations" / "fr" / "transcript.po"))
    assert all(entry.msgstr == word_by_word(entry.msgid) for entry in po)
    with sqlite3.connect(workdir / "translations" / "mt-cache.sqlite3") as db:
        rows = db.execute("SELECT count(*) FROM translations").fetchone()[0]
    assert rows == report.translated["fr"]


def test_ray_worker_failure_is_a_user_error(
    local_ray: object, model_store: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    from pipeline.errors import UserError
    from pipeline.mt.distributed import RayEngine
    from pipeline.mt.engine import Route

    model = replace(_route().models[0], path=tmp_path / "missing-package")  # type: ignore[attr-defined]
    engine = RayEngine(Route((model,)), workers=1, cpus_per_worker=1)
    try:
        with pytest.raises(UserError, match="ray: a translation worker failed: .*metadata.json"):
            engine.translate(["The peace process is fragile."])
    finally:
        engine.close()
