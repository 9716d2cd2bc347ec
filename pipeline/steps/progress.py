"""Progress callbacks a step reports to; the default does nothing.

The command line passes a rich implementation (:mod:`pipeline.cli.render`);
library users may pass their own or none.
"""

from __future__ import annotations


class Progress:
    """Progress callbacks: ``start`` a named task of ``total`` items, ``advance``, ``finish``."""

    def start(self, description: str, total: int | None) -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def finish(self) -> None: ...
