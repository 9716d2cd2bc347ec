"""Write PO files exactly as GNU gettext's ``msgcat`` writes them.

Translators open our catalogs in Poedit, Lokalize or Weblate and run gettext
tools on them; each of those rewrites a file in gettext's own layout.  If we
wrote another layout (polib's ``str(POFile)`` wraps with :mod:`textwrap`),
every round trip would produce a diff of pure line-wrapping noise.  This
module reproduces GNU gettext 0.21's ``write-po.c`` (with libunistring 1.0)
so that ``msgcat file.po -o out.po`` returns our file byte for byte.

What gettext does, and therefore what this module does:

* Strings are escaped (``\\a \\b \\f \\n \\r \\t \\v \\\\ \\"``; everything
  else, non-ASCII included, is written as is), cut after every ``\\n``, and
  each piece is wrapped with libunistring's ``ulc_width_linebreaks``:
  Unicode line breaking (UAX #14 in its pair-table form: break after
  spaces, hyphens, between ideographs, never at a no-break space...) with
  columns counted by display width (CJK and emoji count 2, combining marks
  0) and greedy filling.  A line holds at most ``width`` (79) columns
  including its quotes; a word longer than that is not split.  No break
  falls inside an escape sequence, just before a final ``\\n``, or inside a
  format directive of the entry's first format (python-format and
  python-brace-format are understood; gettext 0.21 marks brace directives
  at the wrong offset, and that quirk is reproduced).
* A string that needs more than one line starts with ``msgid ""``.
* Comment lines come in the order ``#`` (translator), ``#.`` (extracted),
  ``#:`` (references, filled to ``width`` columns, ``./`` stripped,
  duplicates dropped), ``#,`` (flags in gettext's canonical order: unknown
  flags vanish, ``fuzzy`` is dropped when the first msgstr is empty), then
  ``#|`` previous msgctxt/msgid/msgid_plural (only with a previous msgid).
* Obsolete entries come last with ``#~`` / ``#~|`` prefixes; untranslated
  obsolete entries are dropped, as msgcat drops them.

Only UTF-8 catalogs are supported, and strings cannot hold NUL or U+0004;
both raise :class:`~pipeline.errors.UserError`.  The Unicode data below
(line-break classes and display widths) was read from libunistring 1.0
(Unicode 14.0) and is embedded so that the output never depends on the
Python version's :mod:`unicodedata`.

The module has two line-breaking engines: a per-character transcription
of libunistring, the reference, and a fast engine that gives the same
breaks with C-speed string operations for text without the rare rules
(marks, joiners, flags, Hebrew hyphens, format directives); see "Fast engine".
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import UserError
from pipeline.fsutil import write_if_changed

if TYPE_CHECKING:
    import polib

__all__ = ["format_po", "write_po"]

# --------------------------------------------------------------------------
# Unicode data: line-break class and display width of every code point.
# --------------------------------------------------------------------------
# _RANGES is a run-length encoding of the code space: each token is one
# symbol from _SYMBOLS (an index into _PROPS) followed by the distance in
# base 36 from the previous token's first code point.  A _PROPS item is a
# line-break class followed by a width digit.  "HG" marks precomposed Hangul
# syllables, whose class (H2 or H3) follows from their position.  Classes
# are already resolved as libunistring resolves them for UTF-8 (AI, SA, XX
# -> AL; CJ -> NS; CB -> ID); "OW" is an East Asian wide opening bracket,
# which UAX #14 rule LB30 treats differently from OP.
_SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+,-./:;<=>?@[]^_{|}~"
_PROPS = (
    "AL1 CM0 ID2 CM1 BA1 ID1 NU1 OP1 AL2 CL1 AL0 EB2 EB1 CL2 NS2 OW2 BB1 EX1 PR1 PO1 QU1 "
    "HL1 IS1 GL1 NS1 GL0 EX2 PR2 IN1 CM2 PO2 BA0 BK0 CP1 JL2 JV0 JT0 B21 WJ0 IS2 SP1 HY1 "
    "SY1 ZW0 ZWJ0 BK1 BA2 HG2 IN2 OW1 OP0 CL0 RI1 EM2 "
)
_RANGES = (
    "B0(9)1B4;iR1U1A1S1T1A1U1H1*1A1S1W1<1W1=1G1WaA2R3A1HrS1*1A1HtE1J1A1B1)6B1XqH1T1S1A3U5A1(1A1T2"
    "S1A1Q2A1U6A1H3A1QegA1Q3A1QiA1BwZ27B1ZcB7AdWeA1B78A7W73E1A1S4A1B1E19B1A1B1A2B1R2B1A1V8ArV4A4K"
    "dA6T3W3A2B2RbB1R1A3B17GlTaG1A2B3A1R2rA1B1K7A1B1A6B2A2B1A4G2AaKlA1B1A1BuArB2jAbGfAaBxA9W4R1A1"
    "B3S1A2BmA4B1A9B1A3B1A5B17A3K1gA2B6A8B16KoB1DwA1B1iD1B1A1D1B3D8B4D1A2B1A7BaE2G2AaBhD1A2B1kA1D"
    "1B3A4D2A2D2B2A1D9A1BaA2G2AaT2A2T5A1S1A1B2A1B2D2A1B1kA1D1B3A2B4A2B2A3B3A1GkBaA2B3A1BbD2A1B1kA"
    "1D1B3A5B1D2A1D1B2A1BkA2G2AaS1A1B8A6B1D1A2B1kA1D1B1D1B1A4D2A2D2B2A1B7D2A1BaA2G2AaBiA1D1nB2D1A"
    "2D3A3D1B3A1D9A1GeAaS9A1B6D1B3A1B1jA1B1D3A4B1A3B1A4B7A2BbA2G2AaQ7A1B9D1Q2A1B1jA1D1A7D1A3D1B2A"
    "2D7A2BbA2G2AaBgD2A2B1jA2D1B3A4D1A3D1B3A1D9A1BaA2G2AaT9A1B7D1A2B1yA1D4B3A3B1A1D1A8G6AaD2A2K1p"
    "A1K2A7S4A1K7A8G1EaA2K2dA1K2A9KbA6G2AaQ13A4Q1X2Q1E2X1R1X5A1R1A1B3A2G6AaEaB1A1B1A1B1H1J1H1J1D1"
    "A2B1dEeB1E5B1A2B5AbB1A10E1A2B6A1Q9E2Q1A1X5A2K2aA4K1A6K1A2K2A2G1EaA2KcA2K4A3KgA4KdA1K2A2K6A1G"
    "2AaK3A1+2q,2o-20A2gB9pA3E1A1E4eA1EhrA1HqJ1A1E26A3B10D3A1BsD2E1A2BrA2BuA2K1sA2K1A7K8A1K2EbY2A"
    "1E1A1E1S1A1K1A1G2AaRoE2Q2A1R1A2B1Z3B1G1AaB2zA2ByA1B3aD3B4D2A3D4B2D1B6A3R8G2AaG3kAaB1pD2B2A1K"
    "1mA1K1A7K1A1K1A1K2A8K6AaB2G1AaG6AaBmAvB1dD4A1B1bD1B1D5B1D1B5D1A2GbEaA2E1A4BaA9E9A2B1D2A1DuB1"
    "D4B2D2B1A3G2AaB18D1B1D2B3D1B1D3A2D1cB8D8B2A2E3G5AaG6AaE10A2B28A3B1DdB1A7B4A1B6A1D2B1A2B5iA1s"
    "Qe5A1E2X7E1>3B1?1B1E2X1E1.2A1U3H2U1H3U1A1$4E3@1B2X5T1A8U1A2Y1A2W6H1J1Y1A3EcA1E1A4E1/3K1A4B1A"
    "aHdJ1A1HeJ1A1ShT7S1TeS1T4S1T2S1T1S1BfAxTiA1T5A1ScA1S6zA2$63A1HoJ1H1J1A1CeA2PdN1A1I5aA4C3F1C2"
    "A1IehA2F1A4CgA2F2A1F1M3F1A2FpA3IcAcFkA1CmA1IjA1IdA1I8A2ChF2C5F2A3F4I1F1A3F1C1A1F3A2F2A1F2A3C"
    "8A1F6C1F2C1A1F1M2C1A1C2F1I7A1F2L2M2A2IqA1IzA1I1A1I4A3I1A1U3A6R1F2A1H3J1H1J1H1J1H1J1H1J1H1J1H"
    "1J1A1IvA3IoA1IeA1H5J1A1HvJ1H1J1H1J1H1J1H1J1A1Hb7J1H1J1H1J1H1J1H1J1H1J1H1J1H1J1H1J1H1J1H1J1A1"
    "H1rJ1H1J1A1HwJ1A1I7xA2I1fA1I4A1BbdA3R7E1A3R1E1A1E34A1BeA1B2oUwEeA8E1H1E1A1U2A2U2H2J1H1J1H1J1"
    "H1J1E1R4A1E1A2E1A2.5E2A3E1H2E1A8E1A1E1A2R3H2J1H1J1H1J1H1J1E1A1CyIqC1I2hCcI5yCqIc[4N1C2O2C1P2"
    "N1P1N1P1N1P1N1P1N1C1P2N1P1N1P1N1P1N1O1P1N1C2Ba%4C2%5C1O5C2F2I1O1C1O1C1O1C1O1C1O1C1OpC1OvC1O1"
    "C1O1C1O6C1O6I2B2O2C4O1C2O1C1O1C1O1C1O1C1OpC1OvC1O1C1O1C1O6C1O6C2O4C4I1C5I17C1I2mC1I2cOcCgIvC"
    "1A14C8A5f4C1sOg7pC1IvrC3I1jA9E1aA2E7hR1E1A1GgAaB1xA4B1AaBwA2B28A2E1A5B7eA1B3A1B4A1DnB2D2A1B4"
    "A1TbA1Q1nR2A2D8A2D1eBgA2E8G2AaB6AiQaA1B2G1AaBsE8A2BnDbA2+cAtB3D3A1B1bD1B2D4B2D2A3E6A3G6AaKbA"
    "1GaAaB1bD6B2D2B2A2BcA1B8D1A1G2AaE3A3KsA1K1fA1K1A3K2A2K5A2K1A1D15B1D2E2A2D3B1A1D6kB2D1B2D1E2D"
    "1B1A1G2Aa]6A8mc,cAn-4A1dC6isAe8VtB1V1AaV1AdV1A5V1A1V1A2V1A2V1AaJdqH1A1T58A1B3:gN1:2!2P2N1^1I"
    "1B6CgP5N1P1N1P1N1P1N1P1N1P1N1P1N1P1N1C1P2N1C1N7C1N1I1O1!2C2P1N1P1N1P1N1C1I8C1#1&1C1I1A4/3zI1"
    "!1C1#2&1C1P2N1C1N2C1N1C1ObC2!3C1PrC1N1C1PtC1N1C1P1N1J1_1J1Y2F1Y1FaY19F2AvF3A6F2A6F2A6F2A3&3#"
    "1C1#3A2BiF3A1E77A3B6yA1B6aA1B45A5E10A1E1cA1G5rAaEq5A1E5jA1B69A3B1A2B5A4B14A3B4A1EgA8B3xA2E9$"
    "6A1E1uA7BdgA4G8AaBa9E2A1B48AbB1dA4D3eB1D1A1B1hEfA2GtBaA1B2A2BaD3A1D19B3D4B2A2K2E1B4A1KaA1GyA"
    "aB6A3B10D5B1A8G1EaA4D1A2B18A1Q1A1BaD2A1D1cB3D9A2E4A2E1B1A4D1B1G1AaQ1A1E1A3D24B3D3B2D1B1E2A2E"
    "1A2B1A1E2yA1B1hD1B3A8G5AaB6D2A2B1jA2D1B2D1A4D2A2D2A3D9A1DaA2B2A7B3A5D5cB3D8B2D3B1A1E4A4G1EaA"
    "2B2A1D29B3D6B1D1B4D2B1A2GcAaD5xB3A4D2B4D2B1Q2E1R2A2E3AfB4A2D2aB3D8B2D1B1E2A2GdAaQ6AdB1qD1B1D"
    "1B2D6B1A1G8AaK2bA3K2A4K1A5G4AaE2A3D6lB3D9B1A2G4lAaD1yA6D1A2B2D2B1A1D1A1D1B1E1A3G9AaD3bB3A4B2"
    "D2B4A1Q1A1D1A1BsD6B2A2B14D6A1B1Q4A1E1Q4A1B1A1B9D6B2A3B1aDdB1E2A3Q1E3A2Db0B1A7B1D6A2E1A5GaAaQ"
    "mR1A1BwAmD1B1D7B1D2B1A2B3eA6B3A1B1A2B1A7B1A1G8AaD1cA5B1A2D1B2D1B1A1G8AaB95D2A2T6eA4EuA1EvkA5"
    "H2qrJ3A3J10A1H3J1H1J1A1H6nJ1A2Z50{7|1A1H3h1J1A1G780AaE4A2G28AaB12E5A1B1mE7A3EaA1GbAaEn1A2B52"
    "A1D1A1jB7A4O25Z4A1%bA2CeA4qgC8IlcAd2C16A9I6w7A4I1A7I1A2C1A83O19A3OhA4C8Ab0B1whE2B1A4B3mkA1aB"
    "2AnDf2B2A3D3B6AgB2A7BuA4B44A3G13dA1eBe8A1jB4A1eB8A1BeA1E2A4BgA5B1AfB11sA7B1AhB2A7B1A2B1A5B79"
    "A7G9AaB9wA1B1pG4AaS5A1B15cA7B31A7G5AaH4A2TngA1T3A1FnjC4F1M13F4M2sFcMfF2MfF1CeM1F1M11AaFdA3F2"
    "lA3IuA1I2AaFiM1}1kCqL3CdL18C4L9C7L2CeL6C4aFxCcF9C1F1yC1L7C1FeA8F2C2IlC2I5C1L5C3L2C1L2M1F2C2F"
    "5CcFhC3F1C3~3C5F1rC1F1L1C2L2CbLlCjL3C1L4C3L1C3L7C1L1C1IeC1I1C1I1C1L5C1I4C1I1C2F22C2I1C7IgCeI"
    "dAcFcC1F4C1FoMcF2L4F1MlF1L4F2CdF1A1bF8AoF6C1L22C3L3A5U12Y3A3C4LzC1LgC3L9C1F5L6F1C3F3C2M3C5F3"
    "CbM2F3C4M9A3M38AcF2dM4C7McC4M1AfMcA4M1kA8MaA6M14A8MuF2M2A26LcC1L2C1L8C8L6C1L9CaF1L1C3F7C1L1c"
    "C1L1pC2L1C2L1C1LhC3L1CdAyM2cFcMeC2M5C3M5C3M7C9MtC3MbC5L3M3CaMaC6M8L8M7A9G6oAaM6AseC2I1ekeC2I"
    "1ekeA2Be1ohA1BuA2oB3kA6o"
)

# Pair table of UAX #14 as libunistring 1.0 applies it: row = class before
# the break, column = class after it.  D: break allowed; I: break allowed
# only if spaces intervene; P: no break even across spaces.
_PAIR_CLASSES = (
    "WJ", "GL", "B2", "BA", "BB", "HY", "CL", "CP", "EX", "IN", "NS", "OP", "OW", "QU", "IS",
    "NU", "PO", "PR", "SY", "AL", "H2", "H3", "HL", "ID", "JL", "JV", "JT", "RI", "EB", "EM",
)  # fmt: skip
_PAIR_TABLE = (
    "PIIIIIPPPIIIIIPIIIPIIIIIIIIIII",  # WJ
    "PIIIIIPPPIIIIIPIIIPIIIIIIIIIII",  # GL
    "PIPIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # B2
    "PDDIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # BA
    "PIIIIIPPPIIIIIPIIIPIIIIIIIIIII",  # BB
    "PDDIDIPPPIIDDIPIDDPDDDDDDDDDDD",  # HY
    "PIDIDIPPPIPDDIPDIIPDDDDDDDDDDD",  # CL
    "PIDIDIPPPIIDDIPIIIPIDDIDDDDDDD",  # CP
    "PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # EX
    "PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # IN
    "PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OW
    "PIIIIIPPPIIPPIPIIIPIIIIIIIIIII",  # QU
    "PIDIDIPPPIIDDIPIDDPDDDDDDDDDDD",  # IS
    "PIDIDIPPPIIIDIPIIIPIDDIDDDDDDD",  # NU
    "PIDIDIPPPIIIIIPIDDPIDDIDDDDDDD",  # PO
    "PIDIDIPPPIIIIIPIDDPIIIIIIIIDII",  # PR
    "PIDIDIPPPIIDDIPIDDPDDDIDDDDDDD",  # SY
    "PIDIDIPPPIIIDIPIIIPIDDIDDDDDDD",  # AL
    "PIDIDIPPPIIDDIPDIDPDDDDDDIIDDD",  # H2
    "PIDIDIPPPIIDDIPDIDPDDDDDDDIDDD",  # H3
    "PIDIDIPPPIIIDIPIIIPIDDIDDDDDDD",  # HL
    "PIDIDIPPPIIDDIPDIDPDDDDDDDDDDD",  # ID
    "PIDIDIPPPIIDDIPDIDPDIIDDIIDDDD",  # JL
    "PIDIDIPPPIIDDIPDIDPDDDDDDIIDDD",  # JV
    "PIDIDIPPPIIDDIPDIDPDDDDDDDIDDD",  # JT
    "PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD",  # RI
    "PIDIDIPPPIIDDIPDIDPDDDDDDDDDDI",  # EB
    "PIDIDIPPPIIDDIPDIDPDDDDDDDDDDD",  # EM
)

_UNDEFINED, _PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2, 3
_PAIR_RULES = {
    (before, after): rule
    for before, row in zip(_PAIR_CLASSES, _PAIR_TABLE, strict=True)
    for after, rule in zip(_PAIR_CLASSES, row, strict=True)
}
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}


@lru_cache(maxsize=1)
def _unicode_table() -> tuple[list[int], list[tuple[str, int]]]:
    """Decode _RANGES into sorted range starts and their (class, width) pairs."""
    props = [(item[:-1], int(item[-1])) for item in "".join(_PROPS).split()]
    starts: list[int] = []
    values: list[tuple[str, int]] = []
    code = 0
    for symbol, delta in re.findall(r"([^0-9a-z])([0-9a-z]+)", "".join(_RANGES)):
        code += int(delta, 36)
        starts.append(code)
        values.append(props[_SYMBOLS.index(symbol)])
    return starts, values


@lru_cache(maxsize=8192)
def _char_props(char: str) -> tuple[str, int]:
    """Return the resolved line-break class and display width of ``char``."""
    starts, values = _unicode_table()
    cls, width = values[bisect.bisect_right(starts, ord(char)) - 1]
    if cls == "HG":
        cls = "H2" if (ord(char) - 0xAC00) % 28 == 0 else "H3"
    return cls, width


def _possible_breaks(classes: list[str]) -> list[int]:
    """Break opportunities before each character (libunistring's u8_possible_linebreaks)."""
    result = [_PROHIBITED] * len(classes)
    last = "BK"  # class of the last character that is neither a space nor attached
    spaces = False  # were there spaces since then?
    regional = 0  # length of the run of regional indicators just before
    for i, cls in enumerate(classes):
        previous = classes[i - 1] if i else "BK"
        regional = regional + 1 if previous == "RI" else 0
        if cls == "BK":
            result[i] = _MANDATORY
        elif cls == "SP":
            spaces = True
            continue
        elif cls in ("CM", "ZWJ"):
            if last not in ("BK", "ZW") and not spaces:
                continue  # LB9: X (CM|ZWJ)* behaves as X
            # LB10: a mark with nothing to attach to counts as a letter.
            result[i] = _PROHIBITED if last == "BK" else _POSSIBLE
            cls = "AL"
        elif last == "ZW":
            result[i] = _PROHIBITED if cls == "ZW" else _POSSIBLE  # LB8
        elif last != "BK" and cls != "ZW" and previous != "ZWJ":  # LB8a: ZWJ ×
            before = classes[i - 2] if i > 1 else "BK"
            if _pair_break(before, previous, last, cls, spaces, regional):
                result[i] = _POSSIBLE
        last, spaces = cls, False
    return result


def _pair_break(
    before: str, previous: str, last: str, cls: str, spaces: bool, regional: int
) -> bool:
    """May a line break between ``last`` and ``cls``?  The pair table and its extra rules.

    ``before`` and ``previous`` are the raw classes of the two characters
    just before ``cls``; ``regional`` counts the regional indicators that end there.
    """
    rule = _PAIR_RULES[last, cls]
    if rule == "P" or (rule == "I" and not spaces):
        return False
    if before == "HL" and previous in ("HY", "BA"):
        return False  # LB21a: no break after a hyphen that follows a Hebrew letter
    return not (cls == "RI" and regional % 2 == 1)  # LB30a: flags are pairs of RIs


def _width_breaks(text: str, width: int, start_column: int, overrides: list[int]) -> list[int]:
    """Choose line breaks so that lines fit ``width`` columns (u8_width_linebreaks)."""
    props = [_char_props(char) for char in text]
    possible = _possible_breaks([cls for cls, _ in props])
    return _fit(possible, [w for _, w in props], width, start_column, overrides)


def _fit(
    possible: list[int], widths: list[int], width: int, start_column: int, overrides: list[int]
) -> list[int]:
    """Turn break opportunities into actual breaks: greedy filling of ``width`` columns."""
    breaks = [o if o != _UNDEFINED else p for p, o in zip(possible, overrides, strict=True)]
    last_break: int | None = None
    last_column = start_column
    piece_width = 0
    for i, char_width in enumerate(widths):
        piece_ends = breaks[i] in (_POSSIBLE, _MANDATORY) and last_break is not None
        if piece_ends and last_column + piece_width > width:
            breaks[last_break] = _POSSIBLE  # the piece does not fit: break before it
            last_column = 0
        if breaks[i] == _MANDATORY:
            last_break, last_column, piece_width = None, 0, 0
            continue
        if breaks[i] == _POSSIBLE:
            last_break = i
            last_column += piece_width
            piece_width = 0
        breaks[i] = _PROHIBITED
        piece_width += char_width
    if last_break is not None and last_column + piece_width > width:
        breaks[last_break] = _POSSIBLE
    return breaks


def _escape(portion: str, inside: list[bool]) -> tuple[str, list[int]]:
    """Escape one ``\\n``-terminated portion; return it with per-character break overrides.

    ``inside`` tells, per character of ``portion``, whether it lies inside a
    format directive (after its first character), where no break may go.
    """
    out: list[str] = []
    overrides: list[int] = []
    for char, keep in zip(portion, inside, strict=True):
        brk = _PROHIBITED if keep else _UNDEFINED
        if char in _ESCAPES or char in '\\"':
            out += ["\\", _ESCAPES.get(char, char)]
            overrides += [brk, _PROHIBITED]  # never break inside an escape sequence
        else:
            out.append(char)
            overrides.append(brk)
    if portion.endswith("\n"):
        overrides[-2] = _PROHIBITED  # never break just before a final \n
    return "".join(out), overrides


# --------------------------------------------------------------------------
# Fast engine: the same breaks, computed with C-speed string operations.
# --------------------------------------------------------------------------
# The per-character engine above is the reference; it costs a few Python
# operations per character.  Nearly every string in our catalogs is made of
# letters, digits, spaces and punctuation, for which UAX #14 reduces to a
# local rule: a break goes before a non-space character C exactly when the
# last non-space character A before it exists and the pair table says "D"
# for (A, C), or "I" and spaces come between them.  No other state is
# carried.  The exceptions are the classes that take the other branches of
# _possible_breaks: BK (mandatory breaks), CM and ZWJ (LB9/LB10 attach marks
# to what precedes), ZW (LB8), RI (LB30a counts pairs) and HL (LB21a looks
# two characters back).  Strings holding one of those, or a format
# directive, go through the reference engine, so the fast engine only sees
# text where the local rule is the whole of _possible_breaks.
#
# A string is mapped with one str.translate to one code letter per
# character, standing for its (class, width) pair; the local rule becomes
# three regular expressions over those codes, generated from _PAIR_TABLE.
_ESCAPE_TABLE = str.maketrans(
    {**{char: "\\" + letter for char, letter in _ESCAPES.items()}, "\\": "\\\\", '"': '\\"'}
)
_NEEDS_ESCAPE = re.compile(r'[\a\b\f\n\r\t\v\\"]')
_ESCAPED_CHAR = re.compile(r"\\(.)", re.DOTALL)  # group 1: a character no break may precede


def _prop_codes() -> dict[tuple[str, int], str]:
    """One code character per (class, width) pair of the Unicode data; SP gets a space."""
    pairs = {(item[:-1], int(item[-1])) for item in "".join(_PROPS).split()}
    pairs |= {(hangul, width) for cls, width in pairs if cls == "HG" for hangul in ("H2", "H3")}
    assert {width for cls, width in pairs if cls == "SP"} == {1}, "SP is one column wide"
    others = sorted(pair for pair in pairs if pair[0] not in ("HG", "SP"))
    letters = string.ascii_letters + string.digits  # nothing a regex character set escapes
    assert len(others) <= len(letters)
    return {("SP", 1): " ", **dict(zip(others, letters, strict=False))}


_PROP_CODES = _prop_codes()
_CODE_WIDTHS = str.maketrans({code: chr(width) for (_, width), code in _PROP_CODES.items()})


class _CodeTable(dict[int, str]):
    """str.translate table: code point -> code of its (class, width), filled on first use.

    Subclassing dict keeps lookups inside str.translate's C loop; __missing__
    computes a code point's entry once from the Unicode data.
    """

    def __missing__(self, code_point: int) -> str:
        code = self[code_point] = _PROP_CODES[_char_props(chr(code_point))]
        return code


_CODE_TABLE = _CodeTable()


def _charset(classes: Iterable[str]) -> str:
    """A regex character set matching the codes of ``classes``, whatever their width."""
    wanted = set(classes)
    return "[" + "".join(code for (cls, _), code in _PROP_CODES.items() if cls in wanted) + "]"


def _group_rows(rules: str) -> dict[frozenset[str], list[str]]:
    """Pair-table rows grouped by the set of columns whose rule is one of ``rules``.

    Returns {set of "after" classes: the "before" classes whose row has that set}.
    """
    groups: dict[frozenset[str], list[str]] = {}
    for before, row in zip(_PAIR_CLASSES, _PAIR_TABLE, strict=True):
        after = frozenset(c for c, rule in zip(_PAIR_CLASSES, row, strict=True) if rule in rules)
        groups.setdefault(after, []).append(before)
    return groups


def _break_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The local rule as three regexes over codes; their matches mark disjoint sets of breaks.

    * across spaces: ``A SP+ C`` where rule(A, C) is D or I; one alternative
      per distinct row, each checking A by a lookbehind behind the first
      space, so that the search only stops at spaces; break at the end;
    * adjacent, A outside the letter row: ``A C`` where rule(A, C) is D;
      the match is A (punctuation, symbols, ideographs...), dispatched by a
      lookbehind on A and a lookahead on C; break at the end;
    * adjacent, A in the letter row (AL, NU...): the match is one of the
      few C whose rule is D after a letter (ideographs, Hangul, emoji...),
      checked by a lookbehind on A; break at the start.
    """
    spaced = "|".join(
        f"(?<={_charset(before)} ) *(?={_charset(after)})"
        for after, before in _group_rows("DI").items()
        if after
    )
    adjacent = _group_rows("D")
    letters_after, letter_row = next((a, b) for a, b in adjacent.items() if "AL" in b)
    others = [(after, before) for after, before in adjacent.items() if after and "AL" not in before]
    dispatch = "|".join(f"(?<={_charset(b)})(?={_charset(a)})" for a, b in others)
    symbols = _charset(cls for _, before in others for cls in before)
    return (
        re.compile(f" (?:{spaced})"),
        re.compile(f"{symbols}(?:{dispatch})"),
        re.compile(f"{_charset(letters_after)}(?<={_charset(letter_row)}.)"),
    )


_AFTER_SPACES, _AFTER_SYMBOL, _AFTER_LETTER = _break_patterns()
_COMPLEX = re.compile(_charset(["BK", "CM", "ZWJ", "ZW", "RI", "HL"]))
_NOT_ONE_COLUMN = re.compile("[" + "".join(c for (_, w), c in _PROP_CODES.items() if w != 1) + "]")


def _fast_opportunities(codes: str) -> list[int]:
    """Break opportunities in a string of codes without complex classes.

    Equal to the _POSSIBLE positions of _possible_breaks for such strings.
    """
    found = [m.end() for m in _AFTER_SPACES.finditer(codes)]
    found += [m.end() for m in _AFTER_SYMBOL.finditer(codes)]
    found += [m.start() for m in _AFTER_LETTER.finditer(codes)]
    found.sort()
    return found


def _fit_cuts(
    opportunities: list[int], columns: Sequence[int], width: int, start: int
) -> list[int]:
    """Greedy filling over break opportunities: the positions _fit turns into _POSSIBLE.

    ``columns[i]`` is the display width of the text before position ``i``
    (``columns[-1]`` that of the whole text; a range when each character is
    one column).  _fit walks the pieces between consecutive opportunities
    and cuts before the opportunity that starts a piece when the piece would
    end past ``width``; the first piece of the text or of a line is never
    preceded by a cut.  As columns only grow along the text, the piece
    that overflows a line is found by bisection, one step per line instead
    of one per opportunity.
    """
    cuts: list[int] = []
    count = len(opportunities)
    if not count:
        return cuts
    key = None if isinstance(columns, range) else columns.__getitem__
    line_start = -start  # column of a position on this line: columns[position] - line_start
    first_check = 1  # the earliest possible cut is at opportunities[first_check - 1]
    while True:
        over = bisect.bisect_right(opportunities, width + line_start, first_check, count, key=key)
        if over == count:
            break
        cuts.append(opportunities[over - 1])
        line_start = columns[opportunities[over - 1]]
        first_check = over + 1
    if columns[-1] - line_start > width:  # the last piece, up to the end of the text
        cuts.append(opportunities[-1])
    return cuts


def _reference_cuts(portion: str, inside: list[bool], width: int, start: int) -> list[int]:
    """Where lines are cut in an escaped portion, by the per-character reference engine."""
    text, overrides = _escape(portion, inside)
    breaks = _width_breaks(text, width, start, overrides)
    return [i for i, brk in enumerate(breaks) if brk == _POSSIBLE]


class _Portion:
    """One ``\\n``-terminated piece of a string, escaped, to be cut into lines.

    Line filling by the fast paths below gives the cuts of _reference_cuts:

    * no cut when the text fits (``start`` + its width <= ``width``): _fit
      only cuts when a column count exceeds ``width``, and each count it
      makes is at most ``start`` plus the width of the text.  Pure ASCII is
      at most one column per character, so it is tested on its length
      before any table is consulted;
    * otherwise, without complex classes and directives (``inside`` None),
      the opportunities come from _fast_opportunities less those escaping
      forbids (before the character after an escaping backslash, and before
      the backslash of a final ``\\n``: the only overrides _escape sets
      outside directives), and _fit_cuts places the cuts.

    Widths and opportunities do not depend on the starting column, so they
    are computed once, when first needed: a string that needs several lines
    is fitted twice (after ``msgid "`` first, then on lines of its own).
    """

    __slots__ = ("raw", "text", "inside", "_codes", "_columns", "_opportunities")

    def __init__(self, raw: str, inside: list[bool] | None) -> None:
        self.raw = raw
        self.text = raw.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(raw) else raw
        self.inside = inside  # None: no character lies inside a format directive
        self._codes = ""
        self._columns: Sequence[int] | None = None
        self._opportunities: list[int] | None = None

    def cuts(self, width: int, start: int) -> list[int]:
        """Positions in ``text`` where lines are cut, the first line starting at ``start``."""
        text = self.text
        if start + len(text) <= width and text.isascii():
            return []
        columns = self._column_counts()
        if start + columns[-1] <= width:
            return []
        if self.inside is not None or _COMPLEX.search(self._codes):
            return _reference_cuts(self.raw, self.inside or [False] * len(self.raw), width, start)
        return _fit_cuts(self._break_opportunities(), columns, width, start)

    def _column_counts(self) -> Sequence[int]:
        """Display width of the text before each position, and of the whole text last."""
        if self._columns is None:
            self._codes = self.text.translate(_CODE_TABLE)
            self._columns = range(len(self.text) + 1)  # every character one column wide...
            if _NOT_ONE_COLUMN.search(self._codes):  # ...unless some are not
                widths = self._codes.translate(_CODE_WIDTHS).encode("latin-1")
                self._columns = list(accumulate(widths, initial=0))
        return self._columns

    def _break_opportunities(self) -> list[int]:
        """_fast_opportunities less those the escaping forbids."""
        if self._opportunities is None:
            opportunities = _fast_opportunities(self._codes)
            if "\\" in self.text:
                banned = {m.start(1) for m in _ESCAPED_CHAR.finditer(self.text)}
                if self.raw.endswith("\n"):
                    banned.add(len(self.text) - 2)
                opportunities = [i for i in opportunities if i not in banned]
            self._opportunities = opportunities
        return self._opportunities


def _split_portions(value: str) -> list[str]:
    """``value`` cut after each ``\\n``; an empty string is one empty portion."""
    if "\n" not in value:
        return [value]
    return re.findall(r"[^\n]*\n|[^\n]+", value)


def _wrap(
    prefix: str, name: str, value: str, wrap: bool, page_width: int, fmt: str | None
) -> list[str]:
    """Lines for ``name "value"`` as gettext's write-po.c ``wrap()`` prints them.

    ``fmt`` is the entry's first format (``python`` for python-format...),
    whose directives must not be split.  The lines come from a cache (a
    fresh list each time, so callers may extend it).
    """
    return list(_wrap_lines(prefix, name, value, wrap, page_width, fmt))


@lru_cache(maxsize=4096)
def _wrap_lines(
    prefix: str, name: str, value: str, wrap: bool, page_width: int, fmt: str | None
) -> tuple[str, ...]:
    """_wrap's result, cached: a msgid is written to the POT and again to every PO."""
    lines: list[str] = []
    first_line = True
    inside = _directive_insides(value, fmt)
    offset = 0
    portions = _split_portions(value)
    for index, raw in enumerate(portions):
        portion_inside = None
        if inside is not None and any(inside[offset : offset + len(raw)]):
            portion_inside = inside[offset : offset + len(raw)]
        offset += len(raw)
        portion = _Portion(raw, portion_inside)
        text = portion.text
        after_break = len(prefix) + 1
        limit = (len(text.encode("utf-8")) + 1000 if not wrap else page_width) - 1 - after_break
        start = len(name) + 1  # the column after 'name "', counted from after_break
        # gettext first fits the text after 'name "', then, if the string
        # needs several lines, puts 'name ""' on a line of its own.
        if first_line and text and index < len(portions) - 1:
            lines.append(f'{prefix}{name} ""')
            first_line = False
        cuts = portion.cuts(limit, start if first_line else 0)
        if first_line and text and (start > limit or cuts):
            lines.append(f'{prefix}{name} ""')
            first_line = False
            cuts = portion.cuts(limit, 0)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        bounds = [0, *cuts, len(text)]
        lines.append(f'{head}"{text[: bounds[1]]}"')
        lines += [f'{prefix}"{text[a:b]}"' for a, b in pairwise(bounds[1:])]
    return tuple(lines)


# --------------------------------------------------------------------------
# Format directives: gettext never breaks inside one.
# --------------------------------------------------------------------------
_START, _END, _ERROR = 1, 2, 4
_DIGITS = "0123456789"


def _python_marks(value: str) -> list[int]:
    """FMTDIR_* marks of gettext's python-format parser (format-python.c)."""
    marks = [0] * len(value)
    size, i, named, unnamed = len(value), 0, 0, 0
    while i < size:
        if value[i] != "%":
            i += 1
            continue
        marks[i] |= _START
        i += 1
        name = i < size and value[i] == "("
        if name:
            i, depth = i + 1, 0
            while i < size and (value[i] != ")" or depth):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            if i >= size:
                marks[size - 1] |= _ERROR
                return marks
            i += 1
        while i < size and value[i] in "-+ #0":
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if i >= size or value[i] != ".":
                    break
                i += 1
            if i < size and value[i] == "*":
                i, unnamed = i + 1, unnamed + 1
                if named:
                    marks[i - 1] |= _ERROR
                    return marks
                continue
            while i < size and value[i] in _DIGITS:
                i += 1
        if i < size and value[i] in "hlL":
            i += 1
        if i >= size:
            marks[size - 1] |= _ERROR
            return marks
        bad_mix = (name and unnamed) or (not name and value[i] != "%" and named)
        if value[i] not in "%csridiouxXeEfgG" or bad_mix:
            marks[i] |= _ERROR
            return marks
        named, unnamed = named + name, unnamed + (not name and value[i] != "%")
        marks[i] |= _END
        i += 1
    return marks


def _brace_field(value: str, i: int, numeric: bool) -> int | None:
    """End of an identifier (or, if ``numeric``, a number) starting at ``i``, or None."""
    j = i
    if j < len(value) and value[j].isascii() and (value[j].isalpha() or value[j] == "_"):
        while j < len(value) and value[j].isascii() and (value[j].isalnum() or value[j] == "_"):
            j += 1
        return j
    while numeric and j < len(value) and value[j] in _DIGITS:
        j += 1
    return j if j > i else None


class _BraceParser:
    """gettext 0.21's python-brace-format parser (format-python-brace.c).

    Faithful to that version's quirks: no unnamed ``{}`` fields, and each
    directive's marks stored relative to the directive's own start (so they
    land at the start of the string).
    """

    def __init__(self, value: str) -> None:
        self.value = value
        self.marks = [0] * len(value)

    def parse(self) -> list[int]:
        """Mark all directives up to the first invalid one."""
        i = 0
        while i < len(self.value):
            if self.value[i] != "{":
                i += 1
                continue
            end = self._directive(i, toplevel=True)
            if end is None:
                break
            i = end
        return self.marks

    def _at(self, i: int) -> str:
        return self.value[i] if i < len(self.value) else ""

    def _mark(self, base: int, i: int, flag: int) -> None:
        if i - base < len(self.marks):
            self.marks[i - base] |= flag

    def _directive(self, base: int, toplevel: bool) -> int | None:
        """Parse the directive at ``base`` (a "{"); return the index after it, or None."""
        i = base + 1
        if self._at(i) == "{":
            return i + 1  # an escaped brace
        name_start = i
        i = self._field_name(base, i)
        if i is None:
            return None
        if self._at(i) == ":":
            i = self._spec(base, i, toplevel)
            if i is None:
                return None
        if self._at(i) != "}":
            self._mark(base, i, _ERROR)
            return None
        if toplevel:
            self._mark(base, name_start - 1, _START)
            self._mark(base, i, _END)
        return i + 1

    def _field_name(self, base: int, i: int) -> int | None:
        """Skip a field name and its ``.attr`` / ``[key]`` accessors."""
        end = _brace_field(self.value, i, numeric=True)
        while end is not None and self._at(end) in (".", "["):
            opener, i = self._at(end), end + 1
            end = _brace_field(self.value, i, numeric=opener == "[")
            if end is not None and opener == "[":
                end, closer = end + 1, self._at(end)
                if closer != "]":
                    self._mark(base, end, _ERROR)
                    return None
        if end is None:
            self._mark(base, i, _ERROR)
        return end

    def _spec(self, base: int, i: int, toplevel: bool) -> int | None:
        """Skip a ``:format_spec``; ``i`` is at the colon.  Return the index of its "}"."""
        if not toplevel:
            self._mark(base, i, _ERROR)
            return None
        i += 1
        if self._at(i) == "{":
            i = self._directive(i, toplevel=False)
        else:
            if self._at(i + 1) and self._at(i + 1) in "<>=^":
                i += 2
            elif self._at(i) and self._at(i) in "<>=^":
                i += 1
            for optional in ("+- ", "#", "0"):
                if self._at(i) and self._at(i) in optional:
                    i += 1
            while self._at(i) and self._at(i) in _DIGITS:
                i += 1
            if self._at(i) == ".":
                i += 1
                while self._at(i) and self._at(i) in _DIGITS:
                    i += 1
            if self._at(i) and self._at(i) in "bcdoxXneEfFgG%":
                i += 1
        if i is not None and self._at(i) != "}":
            self._mark(base, i, _ERROR)
            return None
        return i


_DIRECTIVE_PARSERS = {"python": _python_marks, "python-brace": lambda v: _BraceParser(v).parse()}


def _no_break_inside(value: str, fmt: str | None) -> list[bool]:
    """Per character of ``value``: may gettext not break before it (inside a directive)?

    gettext parses the UTF-8 bytes, so the parsers run on a Latin-1 view of
    them (one character per byte) and the result is mapped back to characters.
    """
    if not value or fmt not in _DIRECTIVE_PARSERS:
        return [False] * len(value)
    raw = value.encode("utf-8").decode("latin-1")
    marks = _DIRECTIVE_PARSERS[fmt](raw)
    inside = [False] * len(raw)
    i = 0
    while i < len(raw):
        if marks[i] & _START:
            end = next((j for j in range(i, len(raw)) if marks[j] & (_END | _ERROR)), None)
            if end is None:
                break
            if not marks[end] & _ERROR:
                for j in range(i, end + 1):
                    inside[j] = not marks[j] & _START
            i = end
        i += 1
    result, offset = [], 0
    for char in value:
        result.append(inside[offset])
        offset += len(char.encode("utf-8"))
    return result


def _directive_insides(value: str, fmt: str | None) -> list[bool] | None:
    """_no_break_inside, or None when no character is inside a directive.

    The python parser starts a directive only at "%" and the brace parser
    only at "{", so a string without that character needs no parsing.
    """
    trigger = {"python": "%", "python-brace": "{"}.get(fmt or "")
    if trigger is None or trigger not in value:
        return None
    inside = _no_break_inside(value, fmt)
    return inside if any(inside) else None


# --------------------------------------------------------------------------
# Flags, comments and references.
# --------------------------------------------------------------------------
# Format flags in the order gettext 0.21 prints them (its format_language[]).
_FORMATS = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
_FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")
_FORMAT_FLAG = re.compile(r"(possible-|impossible-|no-)?(.+)-format")
_RANGE = re.compile(r"([0-9]+)\.\.([0-9]+)")
_INT_MAX = 2**31 - 1


def _canonical_flags(flags: list[str], keep_fuzzy: bool) -> tuple[list[str], bool, str | None]:
    """Flags as gettext re-prints them, whether strings may be wrapped, the first format.

    gettext parses flags into fields and prints them in a fixed order, so
    unknown flags vanish, conflicting ones keep the last, and ``fuzzy`` is
    dropped from entries whose first msgstr is empty.
    """
    if not flags:
        return [], True, None
    fuzzy, wrap, span = False, True, ""
    formats: dict[str, str] = {}
    tokens = [token for token in _FLAG_SEPARATORS.split(",".join(flags)) if token]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        fmt = _FORMAT_FLAG.fullmatch(token)
        if token == "fuzzy":
            fuzzy = True
        elif token in ("wrap", "no-wrap"):
            wrap = token == "wrap"
        elif token == "range:" and i < len(tokens):
            bounds = _RANGE.match(tokens[i])
            i += 1
            low, high = (min(int(b), _INT_MAX) for b in bounds.groups()) if bounds else (1, 0)
            if low <= high:
                span = f"range: {low}..{high}"
        elif fmt and fmt[2] in _FORMATS:
            formats[fmt[2]] = fmt[1] or ""
    result = ["fuzzy"] if fuzzy and keep_fuzzy else []
    ordered = sorted(formats, key=_FORMATS.index)
    for name in ordered:
        if formats[name] != "impossible-":
            result.append(("no-" if formats[name] == "no-" else "") + name + "-format")
    result += [span] if span else []
    result += [] if wrap else ["no-wrap"]
    first_format = next((name for name in ordered if formats[name] in ("", "possible-")), None)
    return result, wrap, first_format


def _comment_lines(marker: str, text: str | None) -> list[str]:
    """``# text`` / ``#. text`` lines; an empty line of text gives a bare marker."""
    if not text:
        return []
    return [f"{marker} {line}" if line else marker for line in text.split("\n")]


def _reference_lines(occurrences: list[tuple[str, object]], page_width: int) -> list[str]:
    """``#:`` lines: ``./`` prefixes stripped, duplicates dropped, filled to ``page_width``."""
    refs: list[str] = []
    for path, line in occurrences:
        name = str(path)
        while name.startswith("./"):
            name = name[2:]
        ref = name if line is None or str(line) == "" else f"{name}:{line}"
        if ref not in refs:
            refs.append(ref)
    if not refs:
        return []
    lines, current, column = [], "#:", 2
    for ref in refs:
        size = len(ref.encode("utf-8")) + 1
        if column > 2 and column + size > page_width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    lines.append(current)
    return lines


# --------------------------------------------------------------------------
# Entries and files.
# --------------------------------------------------------------------------
def _message_lines(
    entry: polib.POEntry, prefix: str, style: tuple[bool, int, str | None]
) -> list[str]:
    """msgctxt / msgid / msgid_plural / msgstr lines of one entry."""
    lines: list[str] = []
    if entry.msgctxt is not None:
        lines += _wrap(prefix, "msgctxt", entry.msgctxt, *style)
    lines += _wrap(prefix, "msgid", entry.msgid, *style)
    if not entry.msgid_plural:
        return lines + _wrap(prefix, "msgstr", entry.msgstr, *style)
    lines += _wrap(prefix, "msgid_plural", entry.msgid_plural, *style)
    forms = entry.msgstr_plural or {0: "", 1: ""}
    for index in sorted(forms, key=int):
        lines += _wrap(prefix, f"msgstr[{index}]", forms[index], *style)
    return lines


def _first_msgstr(entry: polib.POEntry) -> str:
    """The msgstr gettext looks at to decide whether ``fuzzy`` is kept."""
    if entry.msgid_plural and entry.msgstr_plural:
        return entry.msgstr_plural[min(entry.msgstr_plural, key=int)]
    return "" if entry.msgid_plural else entry.msgstr


def _entry_lines(entry: polib.POEntry, width: int) -> list[str]:
    """All lines of one entry, comments first, in gettext's order."""
    lines = _comment_lines("#", entry.tcomment) + _comment_lines("#.", entry.comment)
    lines += _reference_lines(entry.occurrences, width)
    flags, wrap, fmt = _canonical_flags(list(entry.flags), bool(_first_msgstr(entry)))
    if entry.obsolete:  # gettext keeps only fuzzy, format and no-wrap flags on these
        flags = [flag for flag in flags if not flag.startswith("range:")]
    if flags:
        lines.append("#, " + ", ".join(flags))
    style = (wrap, width, fmt)
    if getattr(entry, "previous_msgid", None) is not None:
        # gettext's grammar has no previous msgctxt/msgid_plural without a previous msgid.
        for name in ("msgctxt", "msgid", "msgid_plural"):
            value = getattr(entry, f"previous_{name}", None)
            if value is not None:
                lines += _wrap("#~| " if entry.obsolete else "#| ", name, value, *style)
    return lines + _message_lines(entry, "#~ " if entry.obsolete else "", style)


def _header_lines(po: polib.POFile, width: int) -> list[str]:
    """The header entry: ``po.header`` comment lines, flags and metadata."""
    import polib

    fuzzy = po.metadata_is_fuzzy
    flags = list(fuzzy) if isinstance(fuzzy, (list, tuple)) else (["fuzzy"] if fuzzy else [])
    metadata = po.ordered_metadata()
    msgstr = "".join(f"{name}: {value}\n" for name, value in metadata)
    header = polib.POEntry(msgid="", msgstr=msgstr, tcomment=po.header, flags=flags)
    return _entry_lines(header, width)


def _check_charset(po: polib.POFile) -> None:
    """Refuse catalogs that declare a charset other than UTF-8: we always write UTF-8."""
    found = re.search(r"charset=([^\s;]+)", po.metadata.get("Content-Type", ""))
    if found and found[1].lower() not in ("utf-8", "utf8", "charset", "ascii", "us-ascii"):
        where = getattr(po, "fpath", None) or "catalog"
        raise UserError(
            f"{where}: declares charset={found[1]}; only UTF-8 PO files are supported"
            " (convert it with: msgconv --to-code=UTF-8)"
        )


def _check_strings(po: polib.POFile) -> None:
    """Refuse NUL and U+0004: gettext's strings are C strings and EOT separates msgctxt."""
    for entry in po:
        fields = [entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr]
        fields += list(entry.msgstr_plural.values())
        fields += [getattr(entry, f"previous_{name}", None) for name in ("msgctxt", "msgid")]
        if any(field and ("\x00" in field or "\x04" in field) for field in fields):
            where = getattr(po, "fpath", None) or "catalog"
            raise UserError(
                f"{where}: message {entry.msgid[:60]!r} contains a NUL or U+0004 character,"
                " which PO files cannot hold"
            )


def format_po(po: polib.POFile, width: int = 79) -> str:
    """Serialise a polib POFile exactly as GNU gettext's msgcat would write it."""
    _check_charset(po)
    _check_strings(po)
    blocks = [_header_lines(po, width)]
    blocks += [_entry_lines(entry, width) for entry in po if not entry.obsolete]
    # msgcat drops obsolete entries without a translation; so do we.
    blocks += [_entry_lines(e, width) for e in po if e.obsolete and _first_msgstr(e)]
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n"


def write_po(po: polib.POFile, path: Path) -> bool:
    """Atomically write format_po(po) to path unless the file already holds exactly that text.

    Return True if written.  Leaving an unchanged file alone keeps its mtime,
    so make, editors and version control see no spurious change.
    """
    return write_if_changed(Path(path), format_po(po))
