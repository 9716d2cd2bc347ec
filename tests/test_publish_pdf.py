"""PDF output through WeasyPrint: text extractable in order, running header, paper, fonts.

The PDFs are read back with poppler's ``pdftotext`` (page by page) and
``pdffonts``. Where WeasyPrint or the system's Pango libraries are missing the
tests skip with the same one-line reason a user gets; the error itself is
tested by simulating a failed library load.
"""

from __future__ import annotations

import builtins
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_publish_samples import SEED_BLOCKS, make_document

from pipeline.errors import UserError
from pipeline.publish import PublishOptions, publish_document
from pipeline.publish import pdf as pdf_module
from pipeline.text.document import BlockKind, Status

REASON = pdf_module.unavailable_reason()
needs_pdf = pytest.mark.skipif(REASON is not None, reason=REASON or "")
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) not installed",
)


def long_translation():
    """The seed's header, then 60 numbered paragraphs: several pages on any paper."""
    header = [row for row in SEED_BLOCKS if row[0] is not BlockKind.PARAGRAPH][:2]
    body = []
    for i in range(60):
        status = (Status.REVIEWED, Status.MACHINE, Status.SOURCE)[i % 3]
        source = [
            (f"Point {i}: Allies will continue to consult closely on the way ahead.", None),
            (f"Sentence {i}b says that NATO stands ready to support the peace process.", None),
        ]
        segments = [
            (text, text if status is Status.SOURCE else _french(text), status) for text, _ in source
        ]
        body.append((BlockKind.PARAGRAPH, 20 + i, 10 + i, segments))
    return make_document(header + body, name="long/statement")


def _french(text: str) -> str:
    return text.replace(
        "Allies will continue to consult closely on the way ahead",
        "les Alliés continueront de se consulter étroitement sur la voie à suivre",
    ).replace(
        "says that NATO stands ready to support the peace process",
        "dit que l'OTAN est prête à soutenir le processus de paix",
    )


def pages(pdf: Path) -> list[str]:
    """The text of each page, whitespace collapsed."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def body_text(texts: list[str], title: str) -> str:
    """All pages as one text, without the running header (title, "Page i sur n")."""
    stripped = [re.sub(r"Page \d+ sur \d+", " ", t).replace(title, " ") for t in texts]
    return " ".join(" ".join(stripped).split())


def assert_in_order(text: str, sentences: list[str]) -> None:
    position = 0
    for sentence in sentences:
        found = text.find(" ".join(sentence.split()), position)
        assert found >= 0, (sentence, text[position : position + 300])
        position = found + len(sentence)


def page_sizes(pdf: Path) -> set[tuple[int, int]]:
    """The size of every page in points, as poppler's pdfinfo reports it."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return {(round(float(w)), round(float(h))) for w, h in sizes}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, Path]:
    """The long document as a translated PDF on A4 and a bilingual PDF on US Letter."""
    out = tmp_path_factory.mktemp("pdf")
    files = publish_document(long_translation(), out / "a4", PublishOptions(formats=("pdf",)))
    files += publish_document(
        long_translation(),
        out / "letter",
        PublishOptions(formats=("bilingual-pdf",), paper="letter"),
    )
    return {f.format: f.path for f in files}


@needs_pdf
@needs_poppler
def test_translated_pdf_has_every_sentence_in_order_and_the_title_on_every_page(published):
    path = published["pdf"]
    assert path.name == "statement.pdf" and path.parent.name == "long"
    title = "Conférence de presse en ligne – 18 févr. 2021"
    texts = pages(path)
    assert len(texts) >= 3
    for number, text in enumerate(texts, 1):
        assert text.startswith(title), (number, text[:120])
        assert f"Page {number} sur {len(texts)}" in text[:200]
    tdoc = long_translation()
    wanted = [s.target for b in tdoc.blocks for s in b.segments]
    assert_in_order(body_text(texts, title), wanted)
    assert page_sizes(path) == {(595, 842)}  # A4


@needs_pdf
@needs_poppler
def test_bilingual_pdf_has_both_languages_in_order_on_us_letter(published):
    path = published["bilingual-pdf"]
    assert path.parent.parent.name == "en-fr"
    title = "Conférence de presse en ligne – 18 févr. 2021 (English – Français)"
    texts = pages(path)
    assert len(texts) >= 3
    for text in texts:
        assert title in text[:200]
    text = body_text(texts, title)
    tdoc = long_translation()
    assert_in_order(text, [s.source for b in tdoc.blocks for s in b.segments])
    assert_in_order(text, [s.target for b in tdoc.blocks for s in b.segments])
    assert page_sizes(path) == {(612, 792)}  # US Letter


@needs_pdf
@needs_poppler
def test_pdf_fonts_are_embedded(published):
    for path in published.values():
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing, "no font in the PDF"
        for line in listing:  # columns: name type encoding emb sub uni ...
            assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


@needs_pdf
def test_pdf_is_byte_identical_when_unchanged(tmp_path, published):
    again = publish_document(
        long_translation(), published["pdf"].parents[2], PublishOptions(formats=("pdf",))
    )
    assert not again[0].written


def test_missing_pango_is_one_line_naming_the_debian_package(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError(
                "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared "
                "object file: No such file or directory.\nAdditionally, ctypes.util..."
            )
        return real_import(name, *args, **kwargs)

    pdf_module.unavailable_reason.cache_clear()
    monkeypatch.setattr(builtins, "__import__", failing_import)
    try:
        with pytest.raises(UserError) as error:
            PublishOptions(formats=("html", "pdf"))
    finally:
        monkeypatch.undo()
        pdf_module.unavailable_reason.cache_clear()
    message = str(error.value)
    assert "\n" not in message
    assert "libpango-1.0-0" in message and "apt-get install" in message
    assert not any(tmp_path.iterdir())
