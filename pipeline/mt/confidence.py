"""Machine-translation confidence: from the model's score to 0–1, and in the PO comment.

The score (:class:`pipeline.mt.engine.ScoredTranslation`) is the mean log-probability
per token the model gave its own output, ``≤ 0``. :func:`confidence` maps it to

    confidence = exp(score)

the geometric mean of the per-token probabilities: 1 when the model was certain
of every token, 0.5 when on average each token had even odds. The mapping is
strictly increasing, so ordering by confidence is ordering by score. It is
*not* a calibrated probability that the translation is right: a model can be
confidently wrong (a fluent mistranslation, a copied name) and unsure of a
correct rare phrasing. It ranks a model's own outputs against each other, which
is what a review queue needs; compare confidences of different models with care.

The extracted PO comment gains the confidence, two decimals
(``machine translation: argos en→fr 1.9, confidence 0.62``, written by
:func:`pipeline.gettext.provenance.machine_comment`);
:func:`parse_machine_comment` reads both this and the older form without it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.gettext.states import MACHINE_PREFIX

_CONFIDENCE = re.compile(r",\s*confidence\s+(?P<value>\d+(?:\.\d+)?)\s*$")
_STEP = re.compile(r"(?P<engine>\S+) (?P<source>[^\s→]+)→(?P<target>\S+) (?P<version>\S+)")
_PIVOT = re.compile(r"\s*\(pivot [^)]*\)\s*$")


def confidence(score: float | None) -> float | None:
    """``exp(score)`` in [0, 1]; None where the score is unknown."""
    if score is None or math.isnan(score):
        return None
    return min(1.0, max(0.0, math.exp(min(score, 0.0))))


@dataclass(frozen=True)
class MachineComment:
    """What a machine-translation comment says."""

    label: str  # the route, e.g. "argos en→fr 1.9" (a pivot names each model)
    engine: str
    source_language: str
    target_language: str
    model_version: str  # as the MT cache files it (a pivot: "en-de-1.0+de-fr-1.0")
    confidence: float | None  # None in comments written before confidence existed

    @property
    def cache_key(self) -> tuple[str, str]:
        """(engine, model version) under which the MT cache holds this translation."""
        return self.engine, self.model_version


def parse_machine_comment(text: str) -> MachineComment | None:
    """Read ``[machine translation: ]argos en→fr 1.9[, confidence 0.62]``; None if not one.

    Accepts a whole extracted comment (several lines: the machine line is found)
    or just the label, as :func:`pipeline.gettext.states.machine_label` returns it.
    """
    line = next((ln for ln in text.splitlines() if ln.startswith(MACHINE_PREFIX)), text)
    line = line.removeprefix(MACHINE_PREFIX).strip()
    value = None
    found = _CONFIDENCE.search(line)
    if found:
        value = float(found.group("value"))
        line = line[: found.start()]
    steps = [_STEP.fullmatch(part.strip()) for part in _PIVOT.sub("", line).split(" + ")]
    if not steps or not all(steps):
        return None
    first, last = steps[0], steps[-1]
    if len(steps) == 1:
        engine, version = first.group("engine"), first.group("version")
    else:
        engine = f"{first.group('engine')}-pivot"
        version = "+".join(
            f"{s.group('source')}-{s.group('target')}-{s.group('version')}" for s in steps
        )
    return MachineComment(
        label=line.strip(),
        engine=engine,
        source_language=first.group("source"),
        target_language=last.group("target"),
        model_version=version,
        confidence=value,
    )


def low_confidence_threshold(values: Iterable[float | None], share: float = 0.1) -> float | None:
    """The confidence at or below which the least confident ``share`` of values lie.

    For marking "the lowest 10 % of a document": mark a sentence when its
    confidence is ``<=`` the result. None when no value is known, or when the
    least confident are as confident as the most (all equal: nothing stands out, and
    marking every sentence would say nothing). Otherwise at least one sentence is
    marked.
    """
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    count = max(1, math.floor(len(known) * share))
    if known[count - 1] >= known[-1]:
        return None
    return known[count - 1]
