"""What reviewers changed: machine output against the reviewed text, in numbers.

Input: one :class:`ReviewRecord` per reviewed PO entry that had a machine
translation (the machine output from the MT cache, the reviewed ``msgstr``).
Output: a :class:`ReviewReport` with, for everything together and per language,
model version, document (and language) and confidence band:

* **accepted unchanged**: the share of entries whose reviewed text is the machine
  output as it was (after Unicode NFC; any other edit, a no-break space
  included, counts as an edit);
* **edit distance**: normalised Levenshtein distance between machine output and
  reviewed text (``rapidfuzz``: character edits ÷ the longer length; 0 means
  unchanged, 1 rewritten), its mean, median and a histogram (unchanged, then
  ten bins of 0.1);
* **chrF** and **TER** (``sacrebleu``, corpus level over the group, the machine
  output as hypothesis and the reviewed text as the one reference): chrF, 0–100,
  higher is closer; TER, edits per reference word × 100, lower is closer.

The metric signatures are kept in the report so numbers can be compared only
with numbers computed alike. ``rapidfuzz`` and ``sacrebleu`` are imported lazily.
"""

from __future__ import annotations

import json
import math
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

#: Upper edges of the confidence bands (each band is [previous edge, edge)).
CONFIDENCE_EDGES = (0.2, 0.4, 0.6, 0.8, 1.0)
UNKNOWN = "unknown"
#: Edit-distance histogram: "unchanged" (exactly 0), then (0, 0.1], (0.1, 0.2], … (0.9, 1].
HISTOGRAM_BINS = 10
GROUPS = ("all", "language", "model", "document", "confidence")


@dataclass(frozen=True)
class ReviewRecord:
    """One reviewed entry that had a machine translation."""

    document: str
    language: str
    model: str  # the route label, e.g. "argos en→fr 1.9"
    confidence: float | None
    machine: str  # the machine output (from the MT cache)
    reviewed: str  # the reviewed msgstr
    source: str = ""


@dataclass(frozen=True)
class GroupStats:
    """The numbers of one group of records."""

    group: str  # one of GROUPS
    value: str  # "all", "fr", "argos en→fr 1.9", a document name, "0.6–0.8", "unknown"
    language: str | None  # the group's language where it has one
    entries: int
    unchanged: int
    unchanged_share: float
    edit_distance_mean: float
    edit_distance_median: float
    edit_distance_histogram: list[int]  # [unchanged, (0, .1], (.1, .2], …, (.9, 1]]
    chrf: float
    ter: float
    confidence_mean: float | None


@dataclass(frozen=True)
class ReviewReport:
    """Every group's numbers, and how they were computed."""

    groups: list[GroupStats]
    signatures: dict[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> GroupStats | None:
        return next((g for g in self.groups if g.group == "all"), None)

    def by(self, group: str) -> list[GroupStats]:
        """The groups of one kind: ``"language"``, ``"model"``, ``"document"``, ``"confidence"``."""
        return [g for g in self.groups if g.group == group]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def confidence_band(value: float | None) -> str:
    """``"0.6–0.8"`` for 0.65; ``"unknown"`` for None; 1.0 is in the top band."""
    if value is None:
        return UNKNOWN
    lower = 0.0
    for edge in CONFIDENCE_EDGES:
        if value < edge or edge == CONFIDENCE_EDGES[-1]:
            return f"{lower:.1f}–{edge:.1f}"
        lower = edge
    raise AssertionError("unreachable")


def edit_distance(machine: str, reviewed: str) -> float:
    """Normalised Levenshtein distance (0: identical, 1: nothing in common), NFC first."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.normalized_distance(_nfc(machine), _nfc(reviewed))


def histogram_bin(distance: float) -> int:
    """0 for unchanged, else 1..10 for (0, .1], …, (.9, 1]."""
    if distance <= 0:
        return 0
    return min(HISTOGRAM_BINS, max(1, math.ceil(round(distance * HISTOGRAM_BINS, 9))))


def build_report(records: Iterable[ReviewRecord]) -> ReviewReport:
    """The report of all records, then per language, model, (document, language), band."""
    from sacrebleu.metrics import CHRF, TER

    records = list(records)
    chrf, ter = CHRF(), TER()
    keys: dict[str, Callable[[ReviewRecord], tuple[str, str | None]]] = {
        "all": lambda r: ("all", None),
        "language": lambda r: (r.language, r.language),
        "model": lambda r: (r.model, r.language),
        "document": lambda r: (r.document, r.language),
        "confidence": lambda r: (confidence_band(r.confidence), None),
    }
    groups = []
    for group, key in keys.items():
        buckets: dict[tuple[str, str | None], list[ReviewRecord]] = {}
        for record in records:
            buckets.setdefault(key(record), []).append(record)
        for (value, language), members in _ordered(group, buckets):
            groups.append(_stats(group, value, language, members, chrf, ter))
    if not records:
        return ReviewReport([], {})
    signatures = {"chrf": str(chrf.get_signature()), "ter": str(ter.get_signature())}
    return ReviewReport(groups, signatures)


def _ordered(group: str, buckets: dict) -> list:
    """Bands in ascending order (unknown last); other groups by name."""
    if group == "confidence":
        return sorted(buckets.items(), key=lambda item: (item[0][0] == UNKNOWN, item[0][0]))
    return sorted(buckets.items(), key=lambda item: (item[0][0].casefold(), item[0][1] or ""))


def _stats(
    group: str,
    value: str,
    language: str | None,
    records: Sequence[ReviewRecord],
    chrf: Any,
    ter: Any,
) -> GroupStats:
    distances = [edit_distance(r.machine, r.reviewed) for r in records]
    unchanged = sum(_nfc(r.machine) == _nfc(r.reviewed) for r in records)
    histogram = [0] * (HISTOGRAM_BINS + 1)
    for distance in distances:
        histogram[histogram_bin(distance)] += 1
    hypotheses = [_nfc(r.machine) for r in records]
    references = [[_nfc(r.reviewed) for r in records]]
    confidences = [r.confidence for r in records if r.confidence is not None]
    return GroupStats(
        group=group,
        value=value,
        language=language if group != "all" else _single({r.language for r in records}),
        entries=len(records),
        unchanged=unchanged,
        unchanged_share=unchanged / len(records),
        edit_distance_mean=statistics.fmean(distances),
        edit_distance_median=statistics.median(distances),
        edit_distance_histogram=histogram,
        chrf=chrf.corpus_score(hypotheses, references).score,
        ter=ter.corpus_score(hypotheses, references).score,
        confidence_mean=statistics.fmean(confidences) if confidences else None,
    )


def _single(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
