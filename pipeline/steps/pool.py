"""Documents worked on side by side: both passes of :mod:`pipeline.steps.documents` in
worker processes (``--jobs``, #16).

Documents are independent, so extracting, merging and publishing them spreads
over processes (the GIL keeps threads from helping: the work is Python). Each
worker opens its own :class:`~pipeline.steps.documents.Workspace` once, and
only reads the shared stores; the main process stays their single writer and
records each :class:`~pipeline.steps.documents.Outcome` in the order of the
documents, so a parallel run writes exactly what a serial one does (the memory
a run fills from is the one it started with: catalogs it writes are synced
into it at the end).

Workers come from a fork server (never a fork of a process with threads: the
progress display, CTranslate2) and ignore Ctrl-C: the main process stops
them, each after the document it is writing, whose files are written atomically.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.steps import documents
from pipeline.steps.documents import Outcome, Pair, Settings, Workspace

if TYPE_CHECKING:
    from pipeline.mt.pending import PendingReader
    from pipeline.steps.sources import Source

# Without --jobs (or jobs = 0 in pipeline.toml), processes are started only for this
# many documents to build or more: starting one costs more than a few small documents.
AUTO_PARALLEL_MIN = 32


def worker_count(requested: int, documents_to_build: int) -> int:
    """How many processes to use: ``requested`` (0: one per core, and only for a batch
    of at least :data:`AUTO_PARALLEL_MIN` documents), never more than the documents."""
    if requested <= 0:
        if documents_to_build < AUTO_PARALLEL_MIN:
            return 1
        requested = os.cpu_count() or 1
    return max(1, min(requested, documents_to_build))


class Workers:
    """Runs the two passes over files in order, in this process or in ``count`` others."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self.count = count
        self._local: Workspace | None = None
        self._readers: dict[Path, PendingReader] = {}
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        if self.count > 1:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["pipeline.steps.documents"])
            self._pool = ProcessPoolExecutor(
                self.count, context, initializer=_start, initargs=(self.settings,)
            )
        else:
            self._local = Workspace(self.settings)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._local is not None:
            self._local.close()
        for reader in self._readers.values():
            reader.close()

    def prepare(self, groups: Iterable[list[Source]]) -> Iterator[Outcome]:
        """:func:`~pipeline.steps.documents.prepare` for each file, results in order."""
        if self._pool is None:
            assert self._local is not None
            return (documents.prepare(self._local, group) for group in groups)
        return self._pool.map(_prepare, groups, chunksize=4)

    def finish(
        self, stashes: Iterable[Path], pending: dict[Pair, Path], labels: dict[Pair, str]
    ) -> Iterator[Outcome]:
        """:func:`~pipeline.steps.documents.finish` for each set-aside file, in order;
        ``pending`` names the files holding each pair's machine translations."""
        if self._pool is None:
            assert self._local is not None
            readers = {pair: _reader(self._readers, path) for pair, path in pending.items()}
            return (documents.finish(self._local, stash, readers, labels) for stash in stashes)
        return self._pool.map(_finish, ((stash, pending, labels) for stash in stashes))


def _reader(open_readers: dict[Path, PendingReader], path: Path) -> PendingReader:
    from pipeline.mt.pending import PendingReader

    if path not in open_readers:
        open_readers[path] = PendingReader(path)
    return open_readers[path]


# ---------------------------------------------------------------------------
# In a worker process

_workspace: Workspace | None = None
_worker_readers: dict[Path, PendingReader] = {}


def _start(settings: Settings) -> None:
    from multiprocessing.util import Finalize

    global _workspace
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    _workspace = Workspace(settings)
    # Close the SQLite files when the worker exits: a connection left open at exit keeps
    # the main process's last close from checkpointing its -wal file away.
    Finalize(None, _stop, exitpriority=10)


def _stop() -> None:
    if _workspace is not None:
        _workspace.close()
    for reader in _worker_readers.values():
        reader.close()


def _prepare(group: list[Source]) -> Outcome:
    assert _workspace is not None
    return documents.prepare(_workspace, group)


def _finish(task: tuple[Path, dict[Pair, Path], dict[Pair, str]]) -> Outcome:
    assert _workspace is not None
    stash, pending, labels = task
    readers = {pair: _reader(_worker_readers, path) for pair, path in pending.items()}
    return documents.finish(_workspace, stash, readers, labels)
