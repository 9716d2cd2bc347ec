"""Regenerate ``pipeline/gettext/unicode_table.py``: line-break classes and widths of libunistring.

GNU msgcat wraps PO strings with libunistring's ``u8_width_linebreaks``;
:mod:`pipeline.gettext.po_format` reproduces it and needs, for every code point,
the line-break class libunistring gives it and its display width. Both are read
from the library itself, through ctypes (as ``tests/test_po_format.py`` does):

* **width**: ``uc_width(c, "UTF-8")``; a negative width (control characters)
  counts as 0, as ``u8_width_linebreaks`` counts it.
* **class**: libunistring does not export its class table, so every code point
  is classified by its behaviour. ``u32_possible_linebreaks`` runs on probe
  lines pairing it with a representative character of each class (``r X``,
  ``r ␠ X``, ``X r``, ``X ␠ r``, and ``X ‐ a`` / ``X - a`` for rule LB21a, which
  sets Hebrew letters apart). Breaks depend on classes only, so a code point
  answers as its class's representative does: the few probes that tell the
  representatives apart (chosen greedily, 18 for libunistring 1.0) classify
  every code point; ``--thorough`` asks all 142 and gives the same table. The
  classes are those libunistring applies: AI, SA and XX behave as AL, CJ as
  NS, CB as ID (UTF-8, non-CJK), and an East Asian wide opening bracket
  differs from OP (rule LB30): it is "OW". A code point that answers like no
  representative stops the script (a libunistring with new classes needs new
  representatives).

Python's :mod:`unicodedata` has widths but no line-break classes, and differs
from libunistring 1.0 (Unicode 14.0) in other Python versions, hence the
library. Usage::

    python tools/unicode_table.py            # rewrite the module
    python tools/unicode_table.py --check    # exit 1 if the module differs

``tests/test_po_format.py`` runs the check (skipped without libunistring 1.0).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "pipeline" / "gettext" / "unicode_table.py"
EXPECTED_VERSION = "1.0"
CODE_POINTS = 0x110000
HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+,-./:;<=>?@[]^_{|}~"
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

# One character of each class libunistring 1.0 gives in UTF-8.
REPRESENTATIVES = {
    "AL": "a", "BA": "\u2010", "BB": "\u00b4", "B2": "\u2014", "BK": "\u000c", "CL": "}",
    "CM": "\u0301", "CP": ")", "EB": "\U0001f466", "EM": "\U0001f3fb", "EX": "!",
    "GL": "\u00a0", "H2": "\uac00", "H3": "\uac01", "HL": "\u05d0", "HY": "-", "ID": "\u4e00",
    "IN": "\u2024", "IS": ",", "JL": "\u1100", "JT": "\u11a8", "JV": "\u1160", "NS": "\u3005",
    "NU": "0", "OP": "(", "OW": "\uff08", "PO": "%", "PR": "$", "QU": '"', "RI": "\U0001f1e6",
    "SP": " ", "SY": "/", "WJ": "\u2060", "ZW": "\u200b", "ZWJ": "\u200d",
}  # fmt: skip
LF = 0x0A


def load_libunistring() -> ctypes.CDLL | None:
    """libunistring through ctypes, or None where it is not installed."""
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.uc_width.restype = ctypes.c_int
    lib.u32_possible_linebreaks.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p,
    ]  # fmt: skip
    return lib


def version(lib: ctypes.CDLL) -> str:
    """libunistring's version, "major.minor" (its ``_libunistring_version``)."""
    number = ctypes.c_int.in_dll(lib, "_libunistring_version").value  # 0xMMmmss
    return f"{number >> 16}.{(number >> 8) & 0xFF}"


def widths(lib: ctypes.CDLL) -> np.ndarray:
    """Display width of every code point (negative counted as 0)."""
    encoding = b"UTF-8"
    return np.array([max(lib.uc_width(c, encoding), 0) for c in range(CODE_POINTS)])


def _breaks(lib: ctypes.CDLL, lines: np.ndarray, position: int) -> np.ndarray:
    """For each probe line (a row of code points), libunistring's answer before ``position``.

    0 undefined, 1 prohibited, 2 possible, 3 mandatory (after a BK character).
    """
    text = np.ascontiguousarray(np.column_stack([lines, np.full(len(lines), LF)]), np.uint32)
    out = np.zeros(text.size, dtype=np.uint8)
    lib.u32_possible_linebreaks(text.ctypes.data, text.size, b"UTF-8", out.ctypes.data)
    return out.reshape(text.shape)[:, position]


Probe = tuple[tuple["str | None", ...], int]  # (characters, None for X; answer position)


def all_probes() -> list[Probe]:
    """Every probe line: each class's representative r beside X, with and without a space."""
    probes: list[Probe] = []
    for rep in REPRESENTATIVES.values():
        probes += [((rep, None), 1), ((rep, " ", None), 2), ((None, rep), 1), ((None, " ", rep), 2)]
    probes += [((None, hyphen, "a"), 2) for hyphen in ("-", "\u2010")]  # LB21a: HL (HY|BA) ×
    return probes


def signatures(lib: ctypes.CDLL, code_points: np.ndarray, probes: list[Probe]) -> np.ndarray:
    """One row per code point: its answers to the probe lines, X being the code point."""
    x = code_points.astype(np.uint32)
    answers = []
    for chars, position in probes:
        columns = [x if c is None else np.full(len(x), ord(c), dtype=np.uint32) for c in chars]
        answers.append(_breaks(lib, np.column_stack(columns), position))
    return np.column_stack(answers)


def choose_probes(lib: ctypes.CDLL) -> list[Probe]:
    """A few probes that tell every class from every other (greedy, deterministic).

    Breaks depend on classes only, so a code point's answers are those of its
    class's representative: probes that separate the representatives
    classify every code point (of the classes represented; ``--thorough``
    uses all probes, and gives the same table for libunistring 1.0).
    """
    candidates = all_probes()
    reps = np.array([ord(c) for c in REPRESENTATIVES.values()])
    answers = signatures(lib, reps, candidates)
    chosen: list[int] = []
    while len({answers[i, chosen].tobytes() for i in range(len(reps))}) < len(reps):
        groups = [
            len({answers[i, [*chosen, probe]].tobytes() for i in range(len(reps))})
            for probe in range(len(candidates))
        ]
        chosen.append(groups.index(max(groups)))
    return [candidates[i] for i in chosen]


def classes(lib: ctypes.CDLL, thorough: bool = False) -> list[str]:
    """The line-break class of every code point, by its probe signature."""
    probes = all_probes() if thorough else choose_probes(lib)
    names = list(REPRESENTATIVES)
    reps = np.array([ord(c) for c in REPRESENTATIVES.values()])
    rep_keys = _keys(signatures(lib, reps, probes))
    if len(set(rep_keys.tolist())) < len(names):
        sys.exit("two classes behave alike on every probe: fix the representatives")
    order = np.argsort(rep_keys)
    result = np.empty(CODE_POINTS, dtype=np.int64)
    for start in range(0, CODE_POINTS, 0x10000):
        chunk = np.arange(start, min(start + 0x10000, CODE_POINTS))
        keys = _keys(signatures(lib, chunk, probes))
        found = order[np.minimum(np.searchsorted(rep_keys, keys, sorter=order), len(names) - 1)]
        unknown = np.flatnonzero(rep_keys[found] != keys)
        if len(unknown):
            sys.exit(f"U+{chunk[unknown[0]]:04X} behaves like no known class: add one")
        result[chunk] = found
    return [names[i] for i in result.tolist()]


def _keys(answers: np.ndarray) -> np.ndarray:
    """Each row of answers (0-3 each) as one integer, or bytes hashed to one (many probes)."""
    if answers.shape[1] <= 31:
        weights = 4 ** np.arange(answers.shape[1], dtype=np.int64)
        return answers.astype(np.int64) @ weights
    return np.array([hash(row.tobytes()) for row in answers], dtype=np.int64)


def encode(names: list[str], cell_widths: np.ndarray) -> tuple[str, list[str], str]:
    """(symbols, props, ranges): the run-length encoding po_format decodes.

    Precomposed Hangul syllables alternate H2 (every 28th) and H3; a run of
    them that does so is one "HG" run. Props are ordered by their number of
    runs (most first), then by first appearance, so frequent ones get the
    first symbols.
    """
    props = [f"{name}{width}" for name, width in zip(names, cell_widths.tolist(), strict=True)]
    for code in HANGUL_SYLLABLES:
        position_class = "H2" if (code - 0xAC00) % 28 == 0 else "H3"
        if props[code][:-1] == position_class:
            props[code] = "HG" + props[code][-1]
    runs = [(0, props[0])]
    for code in range(1, CODE_POINTS):
        if props[code] != props[code - 1]:
            runs.append((code, props[code]))
    counts = Counter(prop for _, prop in runs)
    first = {}
    for code, prop in runs:
        first.setdefault(prop, code)
    order = sorted(counts, key=lambda prop: (-counts[prop], first[prop]))
    if len(order) > len(SYMBOLS):
        sys.exit(f"{len(order)} (class, width) pairs: more than the {len(SYMBOLS)} symbols")
    symbol = {prop: SYMBOLS[i] for i, prop in enumerate(order)}
    tokens, previous = [], 0
    for code, prop in runs:
        tokens.append(symbol[prop] + _base36(code - previous))
        previous = code
    return SYMBOLS[: len(order)], order, "".join(tokens)


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if not number:
            return text


def render(lib_version: str, symbols: str, props: list[str], ranges: str) -> str:
    """The text of pipeline/gettext/unicode_table.py."""
    prop_lines = _chunks(" ".join(props) + " ", 88)
    range_lines = _chunks(ranges, 94)
    return (
        f'"""Line-break classes and display widths of every code point, from libunistring '
        f"{lib_version}.\n\n"
        "Generated by tools/unicode_table.py; do not edit (run the script instead).\n\n"
        "RANGES is a run-length encoding of the code space: each token is one symbol\n"
        "from SYMBOLS (an index into PROPS) followed by the distance in base 36 from\n"
        "the previous token's first code point. A PROPS item is a line-break class\n"
        'followed by a width digit. "HG" marks precomposed Hangul syllables, whose\n'
        "class (H2 or H3) follows from their position. Classes are those libunistring\n"
        'applies to UTF-8 text (AI, SA, XX -> AL; CJ -> NS; CB -> ID); "OW" is an East\n'
        "Asian wide opening bracket, which UAX #14 rule LB30 treats differently from OP.\n"
        '"""\n\n'
        f'SYMBOLS = "{symbols}"\n'
        "PROPS = (\n" + "".join(f'    "{line}"\n' for line in prop_lines) + ")\n"
        "RANGES = (\n" + "".join(f'    "{line}"\n' for line in range_lines) + ")\n"
    )


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def generate(lib: ctypes.CDLL, thorough: bool = False) -> str:
    """The module text for the libunistring ``lib``."""
    return render(version(lib), *encode(classes(lib, thorough), widths(lib)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--output", type=Path, default=MODULE, help="the module to write")
    parser.add_argument("--thorough", action="store_true", help="every probe (slower)")
    args = parser.parse_args()
    lib = load_libunistring()
    if lib is None:
        sys.exit("libunistring is not installed (Debian/Ubuntu: libunistring2)")
    if version(lib) != EXPECTED_VERSION:
        print(f"warning: libunistring {version(lib)}, the table is for {EXPECTED_VERSION}")
    text = generate(lib, args.thorough)
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs from the script output'}")
        sys.exit(0 if same else 1)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
