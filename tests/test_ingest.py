"""Ingest: header recognition, body blocks, decoding errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import UserError
from pipeline.text.document import BlockKind
from pipeline.text.ingest import ingest_file, parse_date, parse_datetime, parse_transcript

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "examples" / "transcript.txt"


def test_seed_header_and_blocks() -> None:
    doc = ingest_file(SEED)
    meta = doc.metadata
    assert doc.name == "transcript"
    assert meta.date == dt.date(2021, 2, 18)
    assert meta.updated == dt.datetime(2021, 2, 18, 18, 22)
    assert meta.updated_label == "Mis à jour le"
    assert meta.as_delivered and meta.delivery_note_text == "(As delivered)"
    kinds = [(b.kind, b.line) for b in doc.blocks[:4]]
    assert kinds == [
        (BlockKind.KIND, 1),
        (BlockKind.BYLINE, 3),
        (BlockKind.HEADING, 11),
        (BlockKind.PARAGRAPH, 13),
    ]
    assert doc.blocks[0].text == "Online press conference"
    # one sentence per line: each line is its own block, grouped by paragraph
    first, second = doc.blocks[4], doc.blocks[5]
    assert first.text.startswith("On the agenda") and second.text.startswith("Both are key")
    assert first.paragraph == second.paragraph and (first.line, second.line) == (15, 16)
    assert doc.blocks[-1].text == "And with that, I am ready to take your questions."
    # no header text leaks into the body
    assert not any("Mis à jour" in b.text or "•" in b.text for b in doc.blocks)


@pytest.mark.parametrize(
    ("file", "label", "updated", "first_kind"),
    [
        (
            "nato-2017-05-24-press-conference.txt",
            "Last updated",
            dt.datetime(2017, 5, 25, 9, 1),
            BlockKind.KIND,
        ),
        (
            "nato-2017-10-09-npa-bucharest.txt",
            "Last updated",
            dt.datetime(2017, 10, 11, 17, 0),
            BlockKind.BYLINE,
        ),
        (
            "nato-2019-04-03-congress-fr.txt",
            "Mis à jour le",
            dt.datetime(2019, 4, 5, 16, 53),
            BlockKind.TITLE,
        ),
        (
            "nato-2019-11-19-press-conference.txt",
            "Last updated",
            dt.datetime(2019, 11, 21, 10, 3),
            BlockKind.KIND,
        ),
    ],
)
def test_corpus_headers(file: str, label: str, updated: dt.datetime, first_kind: BlockKind) -> None:
    doc = ingest_file(DATA / file)
    assert doc.metadata.updated_label == label
    assert doc.metadata.updated == updated
    assert doc.blocks[0].kind is first_kind


def test_no_header_is_all_body() -> None:
    doc = parse_transcript("Hello there.\nSecond line.\n\nNew paragraph.", name="x")
    assert doc.metadata.date is None
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH] * 3
    assert [b.paragraph for b in doc.blocks] == [0, 0, 1]


def test_capitalised_by_starts_the_body() -> None:
    doc = parse_transcript("By working together, we are stronger.\nThank you.", name="x")
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH, BlockKind.PARAGRAPH]


def test_hard_wrapped_paragraph_is_unwrapped() -> None:
    text = "This sentence is wrapped\nover two lines. And another one\nends here.\n\nNext."
    doc = parse_transcript(text, name="x")
    assert (
        doc.blocks[0].text == "This sentence is wrapped over two lines. And another one ends here."
    )
    assert doc.blocks[1].text == "Next."


def test_crlf_cr_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffPress conference\r\n\r\nby Someone\r\rFirst.\rSecond.".encode())
    doc = ingest_file(path)
    assert [b.text for b in doc.blocks] == ["Press conference", "by Someone", "First.", "Second."]
    assert doc.blocks[2].line == 5


def test_nbsp_kept_in_text_but_matched(tmp_path: Path) -> None:
    text = (
        "Press\u00a0conference\n\nby X\n\n  • 3 Apr. 2019 -\n"
        "  • Mis\u00a0à jour le: 05 Apr. 2019 16:53\n\nIl a dit\u00a0: oui."
    )
    doc = parse_transcript(text, name="x")
    assert doc.blocks[0].kind is BlockKind.KIND and doc.blocks[0].text == "Press\u00a0conference"
    assert doc.metadata.updated == dt.datetime(2019, 4, 5, 16, 53)
    assert doc.blocks[-1].text == "Il a dit\u00a0: oui."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 Feb. 2021", dt.date(2021, 2, 18)),
        ("25-May-2017", dt.date(2017, 5, 25)),
        ("5 févr. 2021", dt.date(2021, 2, 5)),
        ("16 Jun. 2018 22:31", dt.date(2018, 6, 16)),
        ("February 18, 2021", dt.date(2021, 2, 18)),
        ("2021-02-18", dt.date(2021, 2, 18)),
        ("1er mars 2022", dt.date(2022, 3, 1)),
        ("31 Feb. 2021", None),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_parse_datetime_with_time() -> None:
    assert parse_datetime("Last updated: 16 Jun. 2018 22:31") == dt.datetime(2018, 6, 16, 22, 31)


def test_errors_name_file_and_offset(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Première ligne.\nDeuxième ligne é.".encode("latin-1"))
    with pytest.raises(UserError, match=r"latin1.txt:1: not valid UTF-8 \(byte 0xe8 at offset 5\)"):
        ingest_file(bad)
    assert ingest_file(bad, encoding="latin-1").blocks[1].text == "Deuxième ligne é."
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"abc\x00def")
    with pytest.raises(UserError, match="binary file"):
        ingest_file(binary)
    empty = tmp_path / "e.txt"
    empty.write_text(" \n\t\n")
    with pytest.raises(UserError, match="file is empty"):
        ingest_file(empty)
    with pytest.raises(UserError, match="no such file"):
        ingest_file(tmp_path / "missing.txt")
    with pytest.raises(UserError, match="is a directory"):
        ingest_file(tmp_path)
