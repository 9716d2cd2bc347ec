"""The review and public styles, page titles, metadata for sharing, and the Word documents.

Pages are parsed back with the suite's HTML checker, Word files reopened with
python-docx (and, where LibreOffice is installed, converted to PDF and read
back with pdftotext, as a person opening the file would see it).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_publish import Page
from test_publish_samples import (
    HOSTILE_TARGET,
    M,
    R,
    make_document,
    seed_translation,
    titled_translation,
)

from pipeline.errors import UserError
from pipeline.publish import PublishOptions, publish_document, publish_languages
from pipeline.publish.view import build_view
from pipeline.text.document import BlockKind, Metadata, Status


def publish(tmp_path: Path, tdoc=None, *formats: str, **kwargs) -> dict[str, Path]:
    options = PublishOptions(formats=formats, **kwargs)
    files = publish_document(tdoc or seed_translation(), tmp_path, options)
    return {f.format: f.path for f in files}


def reviewed_translation():
    """The seed with every sentence reviewed: a public page needs no notice."""
    tdoc = seed_translation(hostile=False)
    rows = [
        (
            b.block.kind,
            b.block.line,
            b.block.paragraph,
            [(s.source, s.target, R) for s in b.segments],
        )
        for b in tdoc.blocks
    ]
    return make_document(rows)


def classes(page: Page) -> list[str]:
    return [c for _, a in page.elements for c in (a.get("class") or "").split()]


# --------------------------------------------------------------------------- options


def test_publish_options_are_checked():
    with pytest.raises(UserError, match="style"):
        PublishOptions(style="glossy")
    with pytest.raises(UserError, match="paper"):
        PublishOptions(paper="a3")
    with pytest.raises(UserError, match="format"):
        PublishOptions(formats=("html", "odt"))
    assert PublishOptions(only_reviewed=True).threshold == 100
    assert PublishOptions(only_reviewed=True, min_reviewed=80).threshold == 80
    assert PublishOptions(min_reviewed=80).passes(0.8) and not PublishOptions().passes(-1)


# --------------------------------------------------------------------------- html


@pytest.mark.parametrize("fmt", ["html", "bilingual-html"])
def test_public_pages_have_no_marks_bar_or_legend_and_a_discreet_notice(tmp_path, fmt):
    review = Page(publish(tmp_path / "r", None, fmt)[fmt].read_text("utf-8"))
    public_html = publish(tmp_path / "p", None, fmt, style="public")[fmt].read_text("utf-8")
    public = Page(public_html)
    assert not public.errors
    assert {"mt", "ut", "review", "legend", "bar"} <= set(classes(review))
    assert not {"mt", "ut", "review", "legend", "bar"} & set(classes(public))
    notice = public_html.split('<p class="notice" role="note" dir="auto">')[1].split("</p>")[0]
    assert notice == (
        "Traduction automatique partiellement relue · "
        "Certains passages ne sont pas encore traduits."
    )
    assert "notice" not in classes(review)
    assert "Relu par un traducteur" not in public_html
    assert "Relu par un traducteur" in review_text(tmp_path / "r", fmt)


def review_text(out: Path, fmt: str) -> str:
    folder = "fr" if fmt == "html" else "en-fr"
    return (out / folder / "defence-ministers.html").read_text("utf-8")


def test_a_fully_reviewed_public_page_carries_no_notice(tmp_path):
    html = publish(tmp_path, reviewed_translation(), "html", style="public")["html"]
    assert 'class="notice"' not in html.read_text("utf-8")
    rows = [(BlockKind.PARAGRAPH, 1, 0, [("Hello.", "Bonjour.", M)])]
    unreviewed = publish(tmp_path, make_document(rows), "html", style="public")["html"]
    assert "Traduction automatique non relue" in unreviewed.read_text("utf-8")


def test_public_pages_link_their_language_versions_and_describe_themselves(tmp_path):
    options = PublishOptions(formats=("html", "bilingual-html"), style="public")
    files = publish_languages([seed_translation("fr"), seed_translation("de")], tmp_path, options)
    assert [(f.language, f.format) for f in files][:2] == [("fr", "html"), ("fr", "bilingual-html")]
    # the versions of a translated page are the other translated pages, not the bilingual one
    assert 'rel="alternate"' not in files[1].path.read_text("utf-8")
    page = Page(files[0].path.read_text("utf-8"))
    links = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")}
    assert links == {
        "de": "../de/defence-ministers.html",
        "fr": "../fr/defence-ministers.html",
    }
    for href in links.values():
        assert (files[0].path.parent / href).resolve().is_file()
    meta = {
        a.get("property") or a.get("name"): a["content"]
        for a in page.find("meta")
        if "content" in a
    }
    assert meta["og:title"] == "Conférence de presse en ligne – 18 févr. 2021"
    assert meta["og:locale"] == "fr_FR" and meta["og:locale:alternate"] == "de_DE"
    assert meta["description"].startswith("Bonjour. Nos missions de formation en Afghanistan")
    assert len(meta["description"]) <= 160 and meta["description"] == meta["og:description"]
    assert meta["article:published_time"] == "2021-02-18"
    # the review style keeps today's head: no sharing metadata
    review = publish(tmp_path / "review", None, "html")["html"].read_text("utf-8")
    assert "og:title" not in review and 'rel="alternate"' not in review


def test_a_document_in_one_language_has_no_alternates(tmp_path):
    html = publish(tmp_path, None, "html", style="public")["html"].read_text("utf-8")
    assert 'rel="alternate"' not in html and 'property="og:title"' in html
    # without the translated pages there is nothing to link to
    options = PublishOptions(formats=("bilingual-html",), style="public")
    files = publish_languages([seed_translation("fr"), seed_translation("de")], tmp_path, options)
    assert all('rel="alternate"' not in f.path.read_text("utf-8") for f in files)


def test_page_title_is_short_kind_and_date_not_the_whole_byline(tmp_path):
    paths = publish(tmp_path, None, "html", "bilingual-html")
    assert "<title>Conférence de presse en ligne – 18 févr. 2021</title>" in (
        paths["html"].read_text("utf-8")
    )
    bilingual = paths["bilingual-html"].read_text("utf-8")
    assert "<title>Conférence de presse en ligne – 18 févr. 2021 (English – Français)" in bilingual
    view = build_view(titled_translation())
    assert view.page_title() == "NATO: an asset for Europe, an asset for America"
    byline_only = make_document(
        [
            (
                BlockKind.BYLINE,
                1,
                0,
                [
                    (
                        "by NATO Secretary General Jens Stoltenberg at the "
                        "Plenary session at the NATO Parliamentary Assembly in Bucharest",
                        "x " * 60,
                        R,
                    )
                ],
            )
        ],
        metadata=Metadata(),
    )
    title = build_view(byline_only).page_title()
    assert len(title) <= 70 and title.endswith("…")


def test_public_markdown_and_text_have_no_review_line_or_marks(tmp_path):
    paths = publish(tmp_path, None, "txt", "md", "bilingual-md", style="public")
    for fmt, path in paths.items():
        text = path.read_text("utf-8")
        assert "Relu par un traducteur" not in text.split("---\n")[-1], fmt
        assert "Traduction automatique partiellement relue" in text, fmt
    assert "*Toutes deux" not in paths["bilingual-md"].read_text("utf-8")


# --------------------------------------------------------------------------- docx


def test_docx_headings_have_space_before_and_after(tmp_path):
    import docx

    document = docx.Document(str(publish(tmp_path, None, "docx")["docx"]))
    heading = document.styles["Heading 2"].paragraph_format
    assert heading.space_after.pt >= 6 and heading.space_before.pt >= 12
    assert heading.keep_with_next


@pytest.mark.parametrize(("paper", "size"), [("a4", (21.0, 29.7)), ("letter", (21.59, 27.94))])
def test_docx_paper_size(tmp_path, paper, size):
    import docx

    path = publish(tmp_path, None, "docx", "bilingual-docx", paper=paper)
    for fmt in ("docx", "bilingual-docx"):
        section = docx.Document(str(path[fmt])).sections[0]
        assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == size


def test_public_docx_has_no_marks_and_a_notice(tmp_path):
    import docx

    path = publish(tmp_path, None, "docx", style="public")["docx"]
    document = docx.Document(str(path))
    runs = [r for p in document.paragraphs for r in p.runs]
    assert not any(r.font.underline or r.font.italic for r in runs)
    assert document.paragraphs[0].text.startswith("Traduction automatique partiellement relue")
    assert "Relu par un traducteur" not in "\n".join(p.text for p in document.paragraphs)


def _bilingual(tmp_path: Path, tdoc=None, **kwargs):
    import docx

    path = publish(tmp_path, tdoc, "bilingual-docx", **kwargs)["bilingual-docx"]
    assert path == tmp_path / "en-fr" / "defence-ministers.docx"
    return path, docx.Document(str(path))


def test_bilingual_docx_has_one_table_row_per_block(tmp_path):
    tdoc = seed_translation()
    path, document = _bilingual(tmp_path, tdoc)
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert len(rows) == 2 + len(tdoc.blocks)  # column headings, metadata, one per block
    assert rows[0] == ["Original · Anglais", "Traduction · Français"]
    blocks = rows[1:3] + rows[4:]  # kind and by-line, then (after the metadata) the body
    assert [src for src, _ in blocks] == [b.source_text for b in tdoc.blocks]
    assert [tgt for _, tgt in blocks] == [b.target_text for b in tdoc.blocks]
    assert rows[3][0].startswith("Feb 18, 2021 · Last updated: Feb 18, 2021")
    assert "Mis à jour le 18 févr. 2021 à 18:22" in rows[3][1]
    assert "Relu par un traducteur" in rows[3][1]
    assert HOSTILE_TARGET in rows[-2][1]
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert '<w:tblHeader w:val="true"/>' in xml  # headings repeat on every page
    assert '<w:lang w:val="en"/>' in xml  # source column declared English for proofing
    # review marks: dotted underline on machine translations, grey italics when untranslated
    target_runs = [r for row in table.rows[1:] for p in row.cells[1].paragraphs for r in p.runs]
    dotted = {r.text for r in target_runs if r.font.underline}
    assert (
        "Toutes deux contribuent de manière essentielle à la lutte contre le terrorisme "
        "international." in dotted
    )
    assert "Bonjour." not in dotted
    assert any(r.italic and r.text == "And bring lasting peace." for r in target_runs)


def test_public_bilingual_docx_has_no_review_marks(tmp_path):
    _, document = _bilingual(tmp_path, style="public")
    runs = [
        r
        for row in document.tables[0].rows[1:]
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert not any(r.font.underline or r.italic for r in runs)
    assert "Relu par un traducteur" not in document.tables[0].rows[1].cells[1].text
    assert document.paragraphs[0].text.startswith("Traduction automatique")


def test_bilingual_docx_right_to_left_column(tmp_path):
    path = publish(tmp_path, seed_translation("ar"), "bilingual-docx")["bilingual-docx"]
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml


def test_bilingual_docx_is_byte_identical_when_unchanged(tmp_path):
    first = publish(tmp_path, None, "bilingual-docx")["bilingual-docx"].read_bytes()
    files = publish_document(
        seed_translation(), tmp_path, PublishOptions(formats=("bilingual-docx",))
    )
    assert not files[0].written and files[0].path.read_bytes() == first


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_libreoffice_opens_both_word_files(tmp_path):
    """The files as LibreOffice renders them: every translated sentence, in order."""
    paths = publish(tmp_path, seed_translation(hostile=False), "docx", "bilingual-docx")
    pdf_dir = tmp_path / "pdf"
    for fmt, path in paths.items():
        target = pdf_dir / fmt
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        (pdf,) = target.glob("*.pdf")
        output = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        text = " ".join(output.split()).casefold()  # the kind line is in small capitals
        position = 0
        for tblock in seed_translation(hostile=False).blocks:
            for segment in tblock.segments:
                if segment.status is Status.SOURCE and fmt == "docx":
                    continue
                found = text.find(" ".join(segment.target.split()).casefold(), position)
                assert found >= 0, (fmt, segment.target, text[position : position + 200])
                position = found
