"""Publish stage: paths, every format's content, escaping, metadata, idempotence, index."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_publish_samples import (
    HEADING_LIKE,
    HOSTILE_SOURCE,
    HOSTILE_TARGET,
    M,
    R,
    S,
    make_document,
    seed_translation,
    titled_translation,
)

from pipeline.errors import UserError
from pipeline.publish import (
    DEFAULT_FORMATS,
    FORMATS,
    PDF_FORMATS,
    PublishedFile,
    PublishOptions,
    output_paths,
    publish_document,
)
from pipeline.publish import labels as lab
from pipeline.publish.text import md_escape
from pipeline.publish.view import build_view
from pipeline.text.document import BlockKind, Metadata, Status

LOCALE_DIR = Path(__file__).resolve().parents[1] / "pipeline" / "locale"
CATALOG_LANGUAGES = ("en", "fr", "de", "es", "it", "pt")
# Every format but PDF (WeasyPrint takes about a second a file: tests/test_publish_pdf.py).
FAST_FORMATS = tuple(f for f in FORMATS if f not in PDF_FORMATS)


def options(formats=FAST_FORMATS, **kwargs) -> PublishOptions:
    return PublishOptions(formats=tuple(formats), **kwargs)


def publish(tmp_path: Path, tdoc=None, formats=FAST_FORMATS, **kwargs) -> dict[str, Path]:
    """Publish ``tdoc`` (default: the French seed) and return format -> path."""
    files = publish_document(tdoc or seed_translation(), tmp_path, options(formats, **kwargs))
    return {f.format: f.path for f in files}


# --------------------------------------------------------------------------- paths


def test_output_paths_follow_the_documented_layout(tmp_path):
    paths = output_paths("speeches/2021/ministers", "en", "fr", tmp_path, FORMATS)
    rel = {fmt: p.relative_to(tmp_path).as_posix() for fmt, p in paths.items()}
    assert rel == {
        "txt": "fr/speeches/2021/ministers.txt",
        "md": "fr/speeches/2021/ministers.md",
        "html": "fr/speeches/2021/ministers.html",
        "docx": "fr/speeches/2021/ministers.docx",
        "bilingual-html": "en-fr/speeches/2021/ministers.html",
        "bilingual-md": "en-fr/speeches/2021/ministers.md",
        "tmx": "en-fr/speeches/2021/ministers.tmx",
        "xliff": "en-fr/speeches/2021/ministers.xlf",
        "bilingual-docx": "en-fr/speeches/2021/ministers.docx",
        "pdf": "fr/speeches/2021/ministers.pdf",
        "bilingual-pdf": "en-fr/speeches/2021/ministers.pdf",
    }
    assert DEFAULT_FORMATS == ("txt", "md", "html", "bilingual-html")


def test_unknown_format_is_a_user_error_listing_valid_ones(tmp_path):
    with pytest.raises(UserError) as err:
        publish(tmp_path, formats=["html", "rtf"])
    message = str(err.value)
    assert "'rtf'" in message and "\n" not in message
    for fmt in FORMATS:
        assert fmt in message
    assert not any(tmp_path.iterdir())  # nothing written before the check


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b", "..", ".", ""])
def test_document_names_cannot_leave_the_output_directory(tmp_path, name):
    with pytest.raises(UserError):
        output_paths(name, "en", "fr", tmp_path, ["txt"])


@pytest.mark.parametrize("lang", ["../fr", "f", "fr/..", "fr fr", ""])
def test_language_codes_must_be_plain_codes(tmp_path, lang):
    with pytest.raises(UserError):
        output_paths("doc", "en", lang, tmp_path, ["txt"])


def test_a_directory_in_the_way_is_a_user_error(tmp_path):
    (tmp_path / "fr" / "defence-ministers.txt").mkdir(parents=True)
    with pytest.raises(UserError, match="directory"):
        publish(tmp_path, formats=["txt"])


def test_publish_returns_one_published_file_per_format(tmp_path):
    files = publish_document(seed_translation(), tmp_path, options(["txt", "txt", "html"]))
    assert [f.format for f in files] == ["txt", "html"]
    tdoc = seed_translation()
    for f in files:
        assert isinstance(f, PublishedFile) and f.path.is_file()
        assert (f.document, f.language) == ("defence-ministers", "fr")
        assert f.reviewed_ratio == pytest.approx(tdoc.reviewed_ratio)


# --------------------------------------------------------------------------- labels


def test_metadata_is_localised_not_translated():
    meta = SEED = seed_translation().document.metadata
    assert SEED.updated_label == "Mis à jour le"  # as written in the (English) source
    assert build_view(seed_translation()).target.meta == (
        "18 févr. 2021",
        "Mis à jour le 18 févr. 2021 à 18:22",
        "(Tel que prononcé)",
    )
    assert build_view(seed_translation("en")).target.meta == (
        "Feb 18, 2021",
        "Last updated: Feb 18, 2021, 6:22\u202fPM",
        "(As delivered)",
    )
    german = build_view(seed_translation("de")).target.meta
    assert german == ("18.02.2021", "Zuletzt aktualisiert: 18.02.2021, 18:22", "(Wie gehalten)")
    assert meta.date == dt.date(2021, 2, 18)


def test_a_language_without_catalog_gets_english_labels_and_its_own_dates():
    view = build_view(seed_translation("sw"))
    assert not lab.has_catalog("sw")
    assert view.target.meta[1].startswith("Last updated: ")
    assert view.target.meta[0] == lab.format_date(dt.date(2021, 2, 18), "sw") != "Feb 18, 2021"
    assert view.target.meta[2] == "(As delivered)"


def test_regional_variants_use_the_base_language_catalog():
    assert lab.Labels("pt_BR")("(As delivered)") == "(Tal como proferido)"
    assert lab.Labels("pt-BR")("(As delivered)") == "(Tal como proferido)"
    assert lab.language_tag("pt_BR") == "pt-BR"


def test_a_translation_with_broken_placeholders_falls_back_to_english():
    import dataclasses

    labels = lab.Labels("fr")
    labels._catalog = dataclasses.replace(
        labels._catalog,
        messages={(None, "Reviewed by a translator: {percent}"): "Relu : {pourcent}"},
        plurals={(None, "{count} document"): ("{nombre} document", "{count} documents")},
    )
    assert labels("Reviewed by a translator: {percent}", percent="5 %") == (
        "Reviewed by a translator: 5 %"
    )
    assert labels.plural("{count} document", "{count} documents", 1, count=1) == "1 document"
    assert labels.plural("{count} document", "{count} documents", 2, count=2) == (
        "2 documents"
    )


def test_percentages_round_down_so_100_means_everything():
    assert lab.format_percent(0.999, "en") == "99%"
    assert lab.format_percent(1.0, "fr") == "100\u00a0%"
    assert lab.format_percent(0.5, "fr") == "50\u00a0%"


def test_text_direction_and_language_names():
    assert [lab.text_direction(x) for x in ("ar", "he", "fa", "ur", "fr", "en")] == [
        "rtl",
        "rtl",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
    ]
    assert lab.language_name("en", "fr") == "Anglais"
    assert lab.language_name("en", "fr", capitalise=False) == "anglais"
    assert lab.language_name("xx", "fr") == "xx"


def _po_messages(path: Path) -> dict[tuple[str | None, str], list[str]]:
    """(context, msgid) -> its translations (one, or one per plural form)."""
    import polib

    return {
        (e.msgctxt, e.msgid): (
            [e.msgstr_plural[i] for i in sorted(e.msgstr_plural)] if e.msgid_plural else [e.msgstr]
        )
        for e in polib.pofile(str(path))
    }


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_label_catalogs_are_complete_and_keep_placeholders(language):
    template = _po_messages(LOCALE_DIR / "pipeline.pot")
    catalog = _po_messages(LOCALE_DIR / language / "LC_MESSAGES" / "pipeline.po")
    assert set(catalog) == set(template)
    for (_, msgid), msgstrs in catalog.items():
        for msgstr in msgstrs:
            assert msgstr, f"{language}: {msgid!r} untranslated"
            assert lab.placeholders(msgstr) == lab.placeholders(msgid), msgid


def test_plural_labels_follow_the_catalogs_plural_forms():
    """gettext semantics: French says "0 document" and "1 document", English "0 documents"."""
    fr, en = lab.Labels("fr"), lab.Labels("en")
    forms = ("{count} document", "{count} documents")
    assert [fr.plural(*forms, n, count=n) for n in (0, 1, 2)] == [
        "0 document", "1 document", "2 documents"
    ]
    assert [en.plural(*forms, n, count=n) for n in (0, 1, 2)] == [
        "0 documents", "1 document", "2 documents"
    ]
    assert lab.Labels("de").plural(*forms, 3, count=3) == "3 Dokumente"
    assert lab.Labels("sw").plural(*forms, 1, count=1) == "1 document"  # no catalog: English


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) not installed")
@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_label_catalogs_pass_msgfmt_check(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "pipeline.po"
    result = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_label_the_code_uses_is_in_the_template():
    """A label used in code or templates but missing from the POT would never be translated."""
    template = {msgid for _, msgid in _po_messages(LOCALE_DIR / "pipeline.pot")}
    root = LOCALE_DIR.parent
    from pipeline.publish.index import FORMAT_NAMES, STATE_LABELS

    sources = [*root.joinpath("publish").glob("*.py"), *root.joinpath("templates").glob("*.j2")]
    used = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r'labels(?:\.plural)?\(\s*"([^"]+)"', text))
        used |= set(re.findall(r"labels(?:\.plural)?\(\s*'([^']+)'", text))
    used |= {"Last updated: {date}, {time}", "Last updated: {date}"}
    used |= set(FORMAT_NAMES.values()) | set(STATE_LABELS.values())
    assert "{count} document" in used and "Published {datetime}" in used
    assert used and used <= template, used - template


# --------------------------------------------------------------------------- text and markdown

EXPECTED_TXT = """\
Conférence de presse en ligne

par le secrétaire général de l'OTAN, Jens Stoltenberg, à l'issue de la deuxième journée des \
réunions des ministres de la Défense des pays de l'OTAN

18 févr. 2021
Mis à jour le 18 févr. 2021 à 18:22
(Tel que prononcé)
Langue originale\u00a0: anglais
Relu par un traducteur\u00a0: 63\u00a0%

Conférence de presse du secrétaire général de l'OTAN, Jens Stoltenberg, après la deuxième \
journée des réunions des ministres de la Défense

Bonjour.

Nos missions de formation en Afghanistan et en Irak étaient aujourd'hui à l'ordre du jour de \
notre réunion.
Toutes deux contribuent de manière essentielle à la lutte contre le terrorisme international.

Les ministres de la Défense ont eu une discussion approfondie sur la situation en Afghanistan.
Nous sommes confrontés à de nombreux dilemmes et il n'y a pas d'options faciles.

À ce stade, nous n'avons pris aucune décision définitive quant à l'avenir de notre présence, \
mais, à l'approche de l'échéance du 1er mai, les Alliés continueront de se consulter et de se \
coordonner étroitement au cours des prochaines semaines.

Le processus de paix est la meilleure chance de mettre fin à des années de souffrance et de \
violence. And bring lasting peace.
"""


def test_txt_keeps_the_source_layout_with_localised_metadata(tmp_path):
    path = publish(tmp_path, seed_translation(hostile=False), ["txt"])["txt"]
    assert path.read_text(encoding="utf-8") == EXPECTED_TXT


def test_txt_publishes_text_verbatim(tmp_path):
    text = publish(tmp_path, formats=["txt"])["txt"].read_text(encoding="utf-8")
    assert f"\n\n{HOSTILE_TARGET}\n{HEADING_LIKE}\n" in text


def _markdown_html(text: str) -> str:
    """Render Markdown as CommonMark plus GFM tables and strikethrough do."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def _strip_front_matter(text: str) -> tuple[dict, str]:
    yaml = pytest.importorskip("yaml")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_SOURCE,
        "# heading?",
        "1. not a list",
        "2021) neither",
        "- nor this",
        "+ nor this",
        "> no quote",
        "=====",
        "---",
        "    four spaces",
        "a | b | c",
        "~~struck~~ $x$ \\ backslash &copy; <https://x.org>",
        "![img](http://x/y.png)",
        "<b>bold</b> and <!-- comment -->",
    ],
)
def test_md_escape_renders_text_literally(text):
    html = _markdown_html(md_escape(text) + "\n")
    assert html.startswith("<p>") and html.endswith("</p>\n"), html
    inner = html[3:-5]
    assert "<" not in inner, html
    expected = re.sub(r"\s+", " ", text.strip())
    assert htmllib.unescape(inner) == expected


def test_md_escape_never_lets_markup_through():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    markdown_syntax = st.sampled_from(
        list("\\`*_[]()<>&{}|~$#+-=!.:;\n \ta1")
        + ["1.", "    ", "<b>", "</i>", "<script>", "http://x.y", "javascript:", "&amp;", "x@y.z"]
    )
    texts = st.lists(st.one_of(markdown_syntax, st.text(max_size=5)), max_size=30).map("".join)

    @settings(max_examples=200, deadline=None)
    @given(texts)
    def check(text):
        html = _markdown_html("Lead.\n\n" + md_escape(text) + "\n")
        assert "<" not in re.sub(r"</?p>|<br />", "", html), (text, html)

    check()


def test_md_has_front_matter_header_and_escaped_body(tmp_path):
    text = publish(tmp_path, formats=["md"])["md"].read_text(encoding="utf-8")
    front, body = _strip_front_matter(text)
    tdoc = seed_translation()
    assert front["lang"] == "fr" and front["source_language"] == "en"
    assert front["reviewed_ratio"] == pytest.approx(round(tdoc.reviewed_ratio, 4))
    assert front["sentences"] == 13 and front["sentences_reviewed"] == 8
    assert front["date"] == "2021-02-18" and front["as_delivered"] is True
    assert "Relu par un traducteur\u00a0: 61\u00a0%" in body
    html = _markdown_html(body)
    assert html.count("<h1>") == 1 and "<h1>Conférence de presse en ligne</h1>" in html
    assert "<h2>Conférence de presse du secrétaire général" in html
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:alert(1))", "")
    assert "<a " not in html and "<em>" not in html and "<code>" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "{{ 7*7 }} {% if x %} ]]&gt;" in html
    assert "<br />\n# not a heading</p>" in html
    # lines of one paragraph are hard line breaks in one paragraph
    assert "de notre réunion.<br />\nToutes deux" in html


def test_bilingual_md_pairs_source_quote_and_translation(tmp_path):
    text = publish(tmp_path, formats=["bilingual-md"])["bilingual-md"].read_text("utf-8")
    front, body = _strip_front_matter(text)
    assert front["source_title"].startswith("Online press conference by NATO")
    assert "> Good afternoon.\n\nBonjour.\n" in body
    assert (
        "> On the agenda of our meeting today were our training missions in Afghanistan and "
        "Iraq.\\\n> Both are key contributions" in body
    )
    html = _markdown_html(body)
    # machine translations are in italics, reviewed ones are not
    assert "<em>Toutes deux contribuent de manière essentielle" in html
    assert "<em>Bonjour.</em>" not in html and "<p>Bonjour.</p>" in html
    assert "<em>Traduction automatique, pas encore relue</em>" in html
    assert "<script" not in html and "<a " not in html
    assert html.count("<blockquote>") == 10  # kind, by-line, metadata, 7 body groups


# --------------------------------------------------------------------------- html


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Page(HTMLParser):
    """Collect elements and check that every non-void element is closed in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.doctype = ""
        self.text_by_seg: dict[tuple[str, str], str] = {}
        self._seg: list = []
        self._col = ""
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed {self.stack}")

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)
        cls = attrs.get("class", "") or ""
        if tag == "div" and "col" in cls.split():
            self._col = "src" if "src" in cls.split() else "tgt"
        if "data-seg" in attrs:
            self._seg.append((self._col, attrs["data-seg"]))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag == "span" and self._seg:
            self._seg.pop()

    def handle_data(self, data):
        if self._seg:
            key = self._seg[-1]
            self.text_by_seg[key] = self.text_by_seg.get(key, "") + data

    def find(self, tag, **attrs):
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def test_bilingual_html_is_well_formed_with_languages_and_alignment(tmp_path):
    html = publish(tmp_path, formats=["bilingual-html"])["bilingual-html"].read_text("utf-8")
    page = Page(html)
    assert page.doctype.lower() == "doctype html" and not page.errors
    assert page.find("html", lang="fr", dir="ltr")
    assert page.find("meta", charset="utf-8")
    assert page.find("meta", name="x-reviewed-ratio", content="0.6154")
    assert len(page.find("div", **{"class": "col src", "lang": "en"})) == 11  # header + 10 rows
    tdoc = seed_translation()
    total = sum(len(b.segments) for b in tdoc.blocks)
    sources = {seg for col, seg in page.text_by_seg if col == "src"}
    targets = {seg for col, seg in page.text_by_seg if col == "tgt"}
    assert sources == targets == {str(i) for i in range(1, total + 1)}
    assert page.text_by_seg[("src", "12")] == HOSTILE_SOURCE
    assert page.text_by_seg[("tgt", "12")] == HOSTILE_TARGET
    # every sentence is focusable, machine translations are marked, the legend explains it
    segs = [a for t, a in page.elements if "data-seg" in a and t == "span"]
    assert all(a.get("tabindex") == "0" for a in segs)
    marked = [a["data-seg"] for a in segs if "mt" in a["class"].split()]
    assert len(marked) == tdoc.count(Status.MACHINE)
    assert "Traduction automatique, pas encore relue" in html
    # the untranslated sentence in the French column is labelled as English
    untranslated = [a for a in segs if "ut" in a["class"].split()]
    assert len(untranslated) == 1 and untranslated[0]["lang"] == "en"
    assert "Mis à jour le 18 févr. 2021 à 18:22" in html
    assert "Last updated: Feb 18, 2021" in html
    assert "Relu par un traducteur\u00a0: 61\u00a0%" in html


def test_html_escapes_source_text_everywhere(tmp_path):
    paths = publish(tmp_path, formats=["html", "bilingual-html"])
    for fmt, path in paths.items():
        html = path.read_text(encoding="utf-8")
        assert "<script>window" not in html, fmt
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
        assert "{{ 7*7 }} {% if x %} ]]&gt;" in html and ">49<" not in html
        assert "<b>b</b>" not in html and "&amp;amp;" in html
        assert html.count("<script") == (1 if fmt == "bilingual-html" else 0)
        assert "http://" not in html and "https://" not in html  # self-contained
        assert not Page(html).errors


def test_monolingual_html_groups_lines_of_a_paragraph(tmp_path):
    html = publish(tmp_path, formats=["html"])["html"].read_text(encoding="utf-8")
    assert 'name="x-reviewed-ratio" content="0.6154"' in html
    # two lines of paragraph 4 are one <p> with a line break
    assert re.search(r"notre réunion\.</span><br><span class=\"seg mt\"[^>]*>Toutes deux", html)
    assert "Langue originale\u00a0: anglais" in html
    assert "<h1>" in html and html.count("<h2>") == 1


def test_titled_document_uses_the_title_as_heading(tmp_path):
    paths = publish(tmp_path, titled_translation(), ["html", "bilingual-html", "md"])
    html = paths["bilingual-html"].read_text("utf-8")
    assert "<title>NATO: an asset for Europe, an asset for America (Français – English)" in html
    assert paths["html"] == tmp_path / "en" / "speeches" / "congress.html"
    md = paths["md"].read_text("utf-8")
    assert "\n# NATO: an asset for Europe, an asset for America\n" in md
    assert "Madam Speaker,\\\nMr Vice President," in md
    assert "Original language: French" in md and "Last updated: Apr 5, 2019, 4:53\u202fPM" in md


def test_right_to_left_target_gets_rtl_direction(tmp_path):
    html = publish(tmp_path, seed_translation("ar"), ["bilingual-html"])["bilingual-html"]
    page = Page(html.read_text("utf-8"))
    assert page.find("html", lang="ar", dir="rtl")
    assert page.find("div", **{"class": "col src", "lang": "en", "dir": "ltr"})
    assert page.find("div", **{"class": "col tgt", "lang": "ar", "dir": "rtl"})
    # untranslated English inside the Arabic column keeps its own direction
    assert page.find("span", **{"class": "seg ut", "lang": "en", "dir": "ltr"})


def test_html_never_contains_unescaped_markup_from_the_source():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.publish.html import render_bilingual_html

    def pages(source: str, target: str) -> str:
        tdoc = make_document([(BlockKind.PARAGRAPH, 1, 0, [(source, target, M)])])
        return render_bilingual_html(build_view(tdoc))

    baseline = pages("x", "y").count("<")

    @settings(max_examples=60, deadline=None)
    @given(st.text(min_size=1), st.text(min_size=1))
    def check(source, target):
        html = pages(source, target)
        assert html.count("<") == baseline

    check()


# --------------------------------------------------------------------------- docx


def test_docx_has_title_metadata_styles_and_properties(tmp_path):
    import docx
    from docx.enum.text import WD_UNDERLINE

    path = publish(tmp_path, formats=["docx"])["docx"]
    document = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Conférence de presse en ligne")
    assert paragraphs[1][0] == "Subtitle" and paragraphs[1][1].startswith("par le secrétaire")
    meta = paragraphs[2][1]
    assert "Mis à jour le 18 févr. 2021 à 18:22" in meta and "Relu par un traducteur" in meta
    assert paragraphs[3][0] == "Heading 2"
    texts = [text for _, text in paragraphs]
    assert (
        "Nos missions de formation en Afghanistan et en Irak étaient aujourd'hui à l'ordre "
        "du jour de notre réunion.\nToutes deux contribuent de manière essentielle à la lutte "
        "contre le terrorisme international." in texts
    )
    assert HOSTILE_TARGET + "\n" + HEADING_LIKE in texts
    dotted = [
        r.text
        for p in document.paragraphs
        for r in p.runs
        if r.font.underline == WD_UNDERLINE.DOTTED
    ]
    assert (
        "Les ministres de la Défense ont eu une discussion approfondie sur la situation en "
        "Afghanistan." in dotted
    )
    assert "Bonjour." not in dotted
    props = document.core_properties
    assert props.language == "fr" and props.title.startswith("Conférence de presse en ligne")
    assert "x-reviewed-ratio=0.6154" in props.comments
    assert props.created == dt.datetime(2021, 2, 18, tzinfo=dt.timezone.utc)
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:lang w:val="fr"' in styles


def test_docx_marks_rtl_paragraphs(tmp_path):
    path = publish(tmp_path, seed_translation("ar"), ["docx"])["docx"]
    body = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "<w:bidi/>" in body and "<w:rtl/>" in body


# --------------------------------------------------------------------------- tmx and xliff

TMX_DTD = """
<!ELEMENT tmx (header, body)>
<!ATTLIST tmx version CDATA #FIXED "1.4">
<!ELEMENT header (note|ude|prop)*>
<!ATTLIST header creationtool CDATA #REQUIRED creationtoolversion CDATA #REQUIRED
  segtype (block|paragraph|sentence|phrase) #REQUIRED o-tmf CDATA #REQUIRED
  adminlang CDATA #REQUIRED srclang CDATA #REQUIRED datatype CDATA #REQUIRED
  o-encoding CDATA #IMPLIED creationdate CDATA #IMPLIED creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED changeid CDATA #IMPLIED>
<!ELEMENT ude (map+)>
<!ELEMENT map EMPTY>
<!ELEMENT body (tu*)>
<!ELEMENT tu ((note|prop)*, tuv+)>
<!ATTLIST tu tuid CDATA #IMPLIED o-encoding CDATA #IMPLIED datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED lastusagedate CDATA #IMPLIED creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED creationdate CDATA #IMPLIED creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED segtype (block|paragraph|sentence|phrase) #IMPLIED
  changeid CDATA #IMPLIED o-tmf CDATA #IMPLIED srclang CDATA #IMPLIED>
<!ELEMENT tuv ((note|prop)*, seg)>
<!ATTLIST tuv xml:lang CDATA #REQUIRED o-encoding CDATA #IMPLIED datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED lastusagedate CDATA #IMPLIED creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED creationdate CDATA #IMPLIED creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED changeid CDATA #IMPLIED o-tmf CDATA #IMPLIED>
<!ELEMENT seg (#PCDATA)>
<!ELEMENT note (#PCDATA)>
<!ATTLIST note xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
<!ELEMENT prop (#PCDATA)>
<!ATTLIST prop type CDATA #REQUIRED xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
"""


def _tmx_valid(path: Path):
    from lxml import etree

    tree = etree.parse(str(path))
    dtd = etree.DTD(io.StringIO(TMX_DTD))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    return tree


@pytest.mark.parametrize("include_machine", [False, True])
def test_tmx_validates_and_loads_back_with_the_same_units(tmp_path, include_machine):
    from translate.storage.tmx import tmxfile

    tdoc = seed_translation()
    path = publish(tmp_path, tdoc, ["tmx"], tmx_include_machine=include_machine)["tmx"]
    tree = _tmx_valid(path)
    wanted = {R, M} if include_machine else {R}
    expected = {(s.source, s.target) for b in tdoc.blocks for s in b.segments if s.status in wanted}
    store = tmxfile.parsefile(str(path))
    assert len(store.units) == len(expected) == len(tree.findall(".//tu"))
    assert {(u.source, u.target) for u in store.units} == expected
    assert tree.findtext("header/prop[@type='x-reviewed-ratio']") == "0.6154"
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tree.iter("tuv")}
    assert langs == {"en", "fr"} and tree.find("header").get("srclang") == "en"
    machine = [tu for tu in tree.iter("tu") if tu.findtext("prop[@type='x-status']")]
    assert len(machine) == (tdoc.count(M) if include_machine else 0)
    assert all(tu.findtext("prop[@type='x-status']") == "machine" for tu in machine)
    assert (HOSTILE_SOURCE, HOSTILE_TARGET) in expected or not include_machine


def test_tmx_holds_each_distinct_pair_once(tmp_path):
    from translate.storage.tmx import tmxfile

    row = (BlockKind.PARAGRAPH, 1, 0, [("Thank you.", "Merci.", R)])
    tdoc = make_document(
        [
            row,
            (BlockKind.PARAGRAPH, 3, 1, row[3]),
            (BlockKind.PARAGRAPH, 5, 2, [("Thank you.", "Je vous remercie.", R)]),
        ]
    )
    store = tmxfile.parsefile(str(publish(tmp_path, tdoc, ["tmx"])["tmx"]))
    assert sorted(u.target for u in store.units) == ["Je vous remercie.", "Merci."]


def test_xliff_is_version_1_2_with_states(tmp_path):
    from lxml import etree
    from translate.storage.xliff import xlifffile

    tdoc = seed_translation()
    path = publish(tmp_path, tdoc, ["xliff"])["xliff"]
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = etree.parse(str(path))
    root = tree.getroot()
    assert root.tag == "{urn:oasis:names:tc:xliff:document:1.2}xliff"
    assert root.get("version") == "1.2"
    file = root.find("x:file", ns)
    assert (file.get("source-language"), file.get("target-language")) == ("en", "fr")
    assert file.get("original") == "defence-ministers" and file.get("datatype") == "plaintext"
    units = root.findall(".//x:trans-unit", ns)
    segments = [s for b in tdoc.blocks for s in b.segments]
    assert len(units) == len(segments)
    assert len({u.get("id") for u in units}) == len(units)
    for unit, seg in zip(units, segments, strict=True):
        assert unit.findtext("x:source", namespaces=ns) == seg.source
        target = unit.find("x:target", ns)
        if seg.status is R:
            assert target.get("state") == "translated" and unit.get("approved") == "yes"
            assert target.text == seg.target
        elif seg.status is M:
            assert target.get("state") == "needs-review-translation"
            assert target.get("state-qualifier") == "mt-suggestion" and target.text == seg.target
        else:
            assert target is None
    store = xlifffile.parsefile(str(path))
    assert [u.source for u in store.units] == [s.source for s in segments]
    fuzzy = [u.source for u in store.units if u.isfuzzy()]
    assert fuzzy == [s.source for s in segments if s.status is M]


def test_xml_formats_replace_characters_xml_cannot_carry(tmp_path):
    row = (BlockKind.PARAGRAPH, 1, 0, [("bell\x07 and \x0b tab", "cloche\x07", R)])
    paths = publish(tmp_path, make_document([row]), ["tmx", "xliff", "docx", "html"])
    from lxml import etree

    for fmt in ("tmx", "xliff"):
        text = paths[fmt].read_text("utf-8")
        etree.fromstring(text.encode())
        assert "bell\ufffd and \ufffd tab" in text
    assert "\x07" not in paths["html"].read_text("utf-8")


# --------------------------------------------------------------------------- reruns and index


def test_republishing_unchanged_documents_touches_no_file(tmp_path):
    first = publish(tmp_path)
    stamps = {fmt: (p.stat().st_mtime_ns, p.read_bytes()) for fmt, p in first.items()}
    for p in first.values():
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    again = publish_document(seed_translation(), tmp_path, options())
    assert not any(f.written for f in again)
    second = publish(tmp_path)
    assert second == first
    for fmt, path in second.items():
        assert path.stat().st_mtime_ns == 1_000_000_000, f"{fmt} was rewritten"
        assert path.read_bytes() == stamps[fmt][1]


def test_a_changed_translation_rewrites_the_files(tmp_path):
    publish(tmp_path, formats=["txt", "docx"])
    rows = [(BlockKind.PARAGRAPH, 1, 0, [("Good afternoon.", "Bon après-midi.", R)])]
    files = publish_document(make_document(rows), tmp_path, options(["txt", "docx"]))
    assert all(f.written for f in files)
    paths = {f.format: f.path for f in files}
    assert "Bon après-midi." in paths["txt"].read_text("utf-8")


def test_empty_metadata_and_headerless_documents_publish(tmp_path):
    rows = [(BlockKind.PARAGRAPH, 1, 0, [("Hello.", "Bonjour.", R)])]
    tdoc = make_document(rows, metadata=Metadata(), name="plain")
    paths = publish(tmp_path, tdoc)
    assert paths["txt"].read_text("utf-8") == (
        "Langue originale\u00a0: anglais\nRelu par un traducteur\u00a0: 100\u00a0%\n\nBonjour.\n"
    )
    assert "<title>plain</title>" in paths["html"].read_text("utf-8")
    front, _ = _strip_front_matter(paths["md"].read_text("utf-8"))
    assert front["reviewed_ratio"] == 1.0 and "date" not in front
    assert json.loads(json.dumps(front))["title"] == "plain"


def test_untranslated_sentences_publish_the_source(tmp_path):
    rows = [(BlockKind.PARAGRAPH, 1, 0, [("Hello.", "Hello.", S), ("Bye.", "Salut.", M)])]
    text = publish(tmp_path, make_document(rows), ["txt"])["txt"].read_text("utf-8")
    assert text.endswith("\n\nHello. Salut.\n")
    assert "Relu par un traducteur\u00a0: 0\u00a0%" in text
