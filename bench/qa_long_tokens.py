"""CPU time of the quality checks on very long tokens, at several sizes.

Run by hand::

    .venv/bin/python bench/qa_long_tokens.py [--sizes 0.1,0.5,1]

For each token shape of ``tests/test_qa_linear.py`` and each size (in MB) it
runs every per-entry check (:func:`pipeline.qa.check_text`, French target) with
the token as source, as target and as both, and prints the process CPU time.
A linear check doubles its time when the size doubles; the last column is the
ratio between the largest and the smallest size divided by the size ratio
(about 1 for linear, the size ratio for quadratic). Before the fix the e-mail
pattern alone took minutes on 100,000 word characters.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def shapes(size: int) -> dict[str, str]:
    """The token shapes of the tests, ``size`` characters long (about)."""
    half, quarter, tenth = size // 2, size // 4, size // 10
    return {
        "word": "a" * size,
        "word-then-at": "a" * size + "@",
        "e-mail-like": "a." * half + "@b",
        "digits-and-commas": "1," * half + "1",
        "digit-groups-plain-spaces": "1" + " 000" * quarter,
        "dotted-digits": "1." * half + "1",
        "digit-runs": "1234567890" * tenth,
        "slash-groups": "1/" * half + "1",
        "url": "https://" + "a" * size,
        "url-of-dots": "www." * quarter,
        "url-with-parentheses": "https://x.org/" + "(" * half + ")" * (half + 1) + ".",
        "brackets": "(" * half + "]" * half,
        "french-marks": "a?" * half,
        "straight-quotes": '"' * size,
        "punctuation": "?" * size,
    }


def cpu_seconds(token: str) -> float:
    """CPU time of the three check_text calls on one token."""
    from pipeline.qa import check_text

    start = time.process_time()
    check_text(token, "Oui.", "en", "fr")
    check_text("Yes.", token, "en", "fr")
    check_text(token, token, "en", "fr")
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.1,0.5,1", help="token sizes in MB")
    args = parser.parse_args()
    sizes = [int(float(s) * 1_000_000) for s in args.sizes.split(",")]
    from pipeline.qa import check_text

    check_text("Is it 4,000?", "Est-ce 4 000 ?", "en", "fr")  # load Babel and translate-toolkit
    header = "".join(f"{s / 1e6:>9.1f} MB" for s in sizes)
    print(f"{'shape':<28}{header}  growth")
    for name in shapes(sizes[0]):
        times = [cpu_seconds(shapes(size)[name]) for size in sizes]
        growth = (times[-1] / max(times[0], 1e-6)) / (sizes[-1] / sizes[0])
        cells = "".join(f"{t:>10.2f} s" for t in times)
        print(f"{name:<28}{cells}  {growth:5.2f}")


if __name__ == "__main__":
    main()
