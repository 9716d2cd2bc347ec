"""Ingest and segmentation stay linear on hostile 1 MB inputs (issue #12, case 9 for the
text layer): one long word, a long line without spaces, a run of "a. ", a run of quotes
after a full stop, a long word in a header date or update stamp.

Each input is a file read and segmented as ``pipeline run`` does, in a subprocess with
a timeout, so that a quadratic regular expression fails the test instead of hanging it
(linear: a few seconds at most; before the fixes several of these ran for hours).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = {
    "one 1,000,000-character word": "'a' * 1_000_000",
    "1 MB line without spaces": (
        "''.join(random.Random(0).choices(string.ascii_letters + '.,;:!?\\'\"()-…«»@/',"
        " k=1_000_000))"
    ),
    "100k times 'a. '": "'a. ' * 100_000",
    "100k times 'No. '": "'No. ' * 100_000",
    "250k tab-separated sentences": "'Ab.\\t' * 250_000",
    "quotes after a full stop": "'.' + '\"' * 1_000_000",
    "spaces after an ellipsis": "'…' + ' ' * 1_000_000 + 'x'",
    "word in an update stamp": "'Last updated: ' + 'a' * 1_000_000",
    "word in a date bullet": "'• ' + 'a' * 1_000_000",
    "digits and separators in a date bullet": "'• 1' + ' -' * 500_000 + 'ab'",
}

SCRIPT = """
import random, string, sys
from pathlib import Path
from pipeline.text.ingest import ingest_file
from pipeline.text.segment import split_sentences
path = Path(sys.argv[1])
path.write_text({expression} + "\\n\\nThe end.\\n", encoding="utf-8")
document = ingest_file(path)
sentences = [s for block in document.blocks for s in split_sentences(block.text)]
assert sentences[-1].text == "The end.", sentences[-1]
"""


@pytest.mark.parametrize("expression", HOSTILE.values(), ids=list(HOSTILE))
def test_ingest_and_segment_are_linear(tmp_path: Path, expression: str) -> None:
    code = SCRIPT.format(expression=expression)
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.txt")], check=True, timeout=120)
