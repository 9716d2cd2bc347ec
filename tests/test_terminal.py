"""Terminal output: names never cut (``pipeline status`` at 200, 80 and 20 columns) and
control characters in file names shown, not executed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from po_files import entry, write_po
from rich.console import Console

from pipeline.terminal import Column, fit_table, fold_path, visible, wrap_words

NAMES = [
    "nato-2017-05-24-press-conference",
    "press/2019/nato-2019-11-19-press-conference",
    "transcript",
]
ESC_NAME = "\x1b]0;pwned\x07\x1b[2J"


def test_visible_escapes_what_a_terminal_would_act_on() -> None:
    assert visible("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"
    assert visible("a\nb\tc\x7f\x9b") == "a\\x0ab\\x09c\\x7f\\x9b"
    assert visible("txt.\u202eexe") == "txt.\\u202eexe"  # right-to-left override
    kept = "Déclaration « finale » 4\u202f000\u00a0€ 🇫🇷"
    assert visible(kept) == kept


def test_fold_path_breaks_only_after_a_slash() -> None:
    assert fold_path("translations/fr/press/2019/speech.po:12", 17) == (
        "translations/fr/\npress/2019/\nspeech.po:12"
    )
    unbroken = "a-very-long-name-without-slashes.po"
    assert fold_path(unbroken, 5) == unbroken


def test_wrap_words_keeps_no_break_spaces() -> None:
    assert wrap_words("environ 4\u202f000 soldats, vrai\u00a0?", 10).split("\n") == [
        "environ",
        "4\u202f000",
        "soldats,",
        "vrai\u00a0?",
    ]


def test_fit_table_gives_up_instead_of_cutting_a_word() -> None:
    columns = [Column("document", kind="path"), Column("total", justify="right")]
    rows = [["press/2019/nato-2019-11-19-press-conference", "36"]]
    table = fit_table(columns, rows, 40)
    assert table is not None
    console = Console(width=40, record=True)
    console.print(table)
    lines = console.export_text().splitlines()
    assert [line.split()[0] for line in lines[2:]] == [
        "press/2019/",
        "nato-2019-11-19-press-conference",
    ]
    assert fit_table(columns, rows, 30) is None  # 32 characters between two slashes


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    fr = tmp_path / "translations" / "fr"
    for name in [*NAMES, ESC_NAME]:
        entries = [
            entry("Thank you.", "Merci.", 1),
            entry("Good morning.", "Bonjour.", 2, machine=True),
            entry("Questions?", "", 3),
        ]
        write_po(fr / f"{name}.po", entries)
    german = [entry("Thank you.", "Danke.", 1)]
    write_po(tmp_path / "translations" / "de" / "transcript.po", german, language="de")
    return tmp_path


@pytest.mark.parametrize("columns", [200, 80, 20])
def test_status_shows_every_name_whole(catalogs: Path, columns: int) -> None:
    result = run_cli("status", cwd=catalogs, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "…" not in out
    lines = out.splitlines()
    for name in NAMES:
        if columns == 200:  # a table row: name, language, counts
            assert any(line.startswith(f"{name} ") for line in lines), name
        else:
            assert any(line.split()[:1] == [name] for line in lines), (name, out)
    shown = visible(ESC_NAME)
    assert "\x1b" not in out and "\x07" not in out
    assert any(line.startswith(shown) for line in lines)
    if columns == 20:  # one line per catalog: document, language, counts
        assert f"{NAMES[0]}  fr  total 3, translated 1, fuzzy 1, untranslated 1" in out
        assert "de  documents 1, reviewed 1, memory 0, machine 0" in out
    else:
        assert max(len(line) for line in lines) <= columns
    if columns == 80:  # long names get a line of their own above their counts
        row = lines[lines.index(NAMES[0]) + 1].split()
        assert row[:5] == ["fr", "3", "1", "1", "1"]
