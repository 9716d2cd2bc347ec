"""Machine translation spread over a Ray cluster (optional: ``pip install .[ray]``).

:class:`RayEngine` has the interface of :class:`pipeline.mt.engine.RouteEngine`
(``translate_stream(sentences, progress)`` yielding ``(index, translation)``, and
``translate_scored_stream`` yielding ``(index, ScoredTranslation)``, scores
computed on the actors), so the run's logic does not change: the driver still collects the pending
sentences, reads and writes the SQLite MT cache (its single writer) and the
PO files. Only the translation itself moves to Ray actors, each of which
loads the route's models once (:class:`pipeline.mt.engine.Engine`) and then
translates whole batches of sentences sent to it.

The actors read the models from the paths the driver found them at: on a
cluster, the package store must be at the same path on every node (shared
storage, or ``pipeline models install`` run on each node).

Nothing here is imported by the default single-machine path; Ray itself is
imported only when a :class:`RayEngine` is created. See ``docs/scaling.md``.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.errors import UserError
from pipeline.mt.engine import StreamingTranslator

if TYPE_CHECKING:
    from pipeline.mt.engine import EngineOptions, Route, ScoredTranslation

DEFAULT_BATCH_SENTENCES = 256  # sentences per task: large enough to batch well on an actor
MIN_BATCH_SENTENCES = 32  # never cut a small job finer than this to feed idle actors
IN_FLIGHT_PER_WORKER = 2  # tasks queued per actor, so none waits for the driver


class _Translator:
    """The actor: one loaded route, translating batches of sentences."""

    def __init__(self, route: Route, options: EngineOptions) -> None:
        self._engine = route.open(options)

    def translate(self, sentences: list[str]) -> list[ScoredTranslation]:
        done = dict(self._engine.translate_scored_stream(sentences))
        return [done[i] for i in range(len(sentences))]


def _failure(exc: BaseException) -> BaseException | str:
    """What went wrong on the worker: the exception a task raised (Ray keeps it), or the
    last line of the traceback text Ray reports when an actor's constructor failed."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return cause
    text = re.sub(r"\x1b\[[0-9;]*m", "", getattr(exc, "error_msg", "") or str(exc))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "the worker died"


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UserError(
            "--executor ray: Ray is not installed; install the extra with `pip install .[ray]`"
        ) from None
    return ray


class RayEngine(StreamingTranslator):
    """Translates along a route with Ray actors; same streaming interface as RouteEngine.

    ``workers`` actors (default: one per Ray node) each get ``cpus_per_worker``
    CPUs (default: an equal share of the cluster's) and run CTranslate2 with
    that many threads. ``address`` is a running cluster's (default:
    ``$RAY_ADDRESS``, else a local Ray started for this run).
    """

    def __init__(
        self,
        route: Route,
        options: EngineOptions | None = None,
        *,
        workers: int | None = None,
        cpus_per_worker: int | None = None,
        batch_sentences: int = DEFAULT_BATCH_SENTENCES,
        address: str | None = None,
    ) -> None:
        from dataclasses import replace

        from pipeline.mt.engine import EngineOptions

        self._ray = _import_ray()
        self._started_ray = False
        if not self._ray.is_initialized():
            self._ray.init(
                address=address or os.environ.get("RAY_ADDRESS") or None,
                include_dashboard=False,
                log_to_driver=False,
            )
            self._started_ray = True
        workers = workers or max(1, len([n for n in self._ray.nodes() if n.get("Alive")]))
        total_cpus = int(self._ray.cluster_resources().get("CPU", 1))
        cpus = cpus_per_worker or max(1, total_cpus // workers)
        options = replace(options or EngineOptions(), threads=cpus)
        actor = self._ray.remote(num_cpus=cpus, max_restarts=2, max_task_retries=2)(_Translator)
        self._actors = [actor.remote(route, options) for _ in range(workers)]
        self._batch_sentences = max(1, batch_sentences)
        self.route = route

    @property
    def workers(self) -> int:
        return len(self._actors)

    def translate_scored_stream(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, ScoredTranslation]]:
        """Yield ``(index, ScoredTranslation)`` as each batch comes back from an actor.

        Sentences are sorted by length before being cut into batches (so each
        actor pads little), and at most ``IN_FLIGHT_PER_WORKER`` batches per
        actor are outstanding, so the driver's memory does not grow with the input.
        """
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        share = -(-len(order) // (self.workers * IN_FLIGHT_PER_WORKER))  # a small job still
        size = min(self._batch_sentences, max(MIN_BATCH_SENTENCES, share))  # uses every actor
        batches = deque(order[start : start + size] for start in range(0, len(order), size))
        idle = deque(self._actors * IN_FLIGHT_PER_WORKER)
        running: dict[Any, tuple[Any, list[int]]] = {}
        while batches or running:
            while batches and idle:
                actor, batch = idle.popleft(), batches.popleft()
                ref = actor.translate.remote([sentences[i] for i in batch])
                running[ref] = (actor, batch)
            ready, _ = self._ray.wait(list(running), num_returns=1)
            actor, batch = running.pop(ready[0])
            translations = self._get(ready[0])
            idle.append(actor)
            yield from zip(batch, translations, strict=True)
            if progress:
                progress(len(batch))

    def _get(self, ref: Any) -> list[ScoredTranslation]:
        """The task's result; an error on a worker becomes one clear UserError line."""
        exceptions = self._ray.exceptions
        try:
            return self._ray.get(ref)
        except (exceptions.RayTaskError, exceptions.RayActorError) as exc:
            failure = _failure(exc)
            if isinstance(failure, UserError):
                raise UserError(str(failure)) from None
            if isinstance(failure, BaseException):
                failure = f"{type(failure).__name__}: {failure}".splitlines()[0]
            raise UserError(f"--executor ray: a translation worker failed: {failure}") from None

    def close(self) -> None:
        """Stop the actors, and the local Ray if this engine started it."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started_ray:
            self._ray.shutdown()
            self._started_ray = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
