"""The index pages: titles and dates newest first, localisation, pruning, manifest migration.

Pages are parsed back with the test suite's HTML checker; the manifest is a
real SQLite file (an old-schema one is built by hand for the migration test).
Browser behaviour (search, sort, 390 px) is in tests/test_publish_browser_index.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_publish import Page
from test_publish_samples import M, R, make_document, seed_translation, titled_translation

from pipeline.errors import UserError
from pipeline.publish import (
    PublishedFile,
    PublishOptions,
    publish_document,
    publish_languages,
    write_index,
)
from pipeline.publish.manifest import MANIFEST_FILE, SCHEMA_VERSION
from pipeline.text.document import BlockKind, Metadata


def options(*formats: str, **kwargs) -> PublishOptions:
    return PublishOptions(formats=formats or ("html", "bilingual-html"), **kwargs)


def headerless(name: str = "notes/plain", status=R):
    """A document with no header at all: listed by its file name, undated."""
    rows = [(BlockKind.PARAGRAPH, 1, 0, [("Hello.", "Bonjour.", status)])]
    return make_document(rows, name=name, metadata=Metadata())


def rows(page: Page) -> list[dict]:
    return page.find("tr")[1:]


def read(path: Path) -> Page:
    page = Page(path.read_text("utf-8"))
    assert not page.errors, page.errors
    return page


@pytest.fixture
def site(tmp_path) -> Path:
    """Three documents: 2021 (fr and de), 2019 (fr→en) and an undated one; index in French."""
    published = []
    published += publish_languages(
        [seed_translation("fr"), seed_translation("de")], tmp_path, options()
    )
    published += publish_document(titled_translation(), tmp_path, options())
    published += publish_document(headerless(), tmp_path, options("html", "txt"))
    write_index(tmp_path, published, options(index_language="fr"))
    return tmp_path


def test_index_lists_titles_and_dates_newest_first(site):
    html = (site / "index.html").read_text("utf-8")
    page = read(site / "index.html")
    listed = rows(page)
    assert [r["data-document"] for r in listed] == [
        "defence-ministers",  # 18 Feb 2021
        "speeches/congress",  # 3 Apr 2019
        "notes/plain",  # undated: last
    ]
    assert [r["data-date"] for r in listed] == ["2021-02-18", "2019-04-03", ""]
    # the header's title (here the by-line, in French), kind line above it; file name below
    assert "par le secrétaire général de l'OTAN, Jens Stoltenberg" in listed[0]["data-title"]
    assert '<p class="kind">Conférence de presse en ligne</p>' in html
    # a document without a French version is listed by its original (French) title
    assert "L’OTAN : un atout pour l’Europe" in listed[1]["data-title"]
    assert listed[2]["data-title"] == "plain notes/plain"  # no header: the file name
    assert '<time datetime="2021-02-18">18 févr. 2021</time>' in html
    assert "Sans date" in html
    assert [r["data-states"] for r in listed] == ["de:partly fr:partly", "en:partly", "fr:reviewed"]


def test_each_language_shows_review_state_files_and_publication_time(site):
    page = read(site / "index.html")
    versions = {(v["data-language"]): v for v in page.find("li") if "data-language" in v}
    assert versions["de"]["data-reviewed-ratio"] == "0.6154"
    html = (site / "index.html").read_text("utf-8")
    assert "Relu\u00a0: 61\u00a0%" in html and "Relu\u00a0: 75\u00a0%" in html
    stamp = dt.datetime.fromtimestamp(
        (site / "fr" / "defence-ministers.html").stat().st_mtime, dt.timezone.utc
    )
    assert f'<time datetime="{stamp:%Y-%m-%dT%H:%M:%SZ}">Publié le ' in html
    links = [a["href"] for a in page.find("a") if not a["href"].endswith("index.html")]
    for href in links:
        assert not href.startswith(("/", "http", "file:"))
        assert (site / unquote(href)).is_file(), href
    assert {"Page web", "Page bilingue", "Texte"} <= set(_link_texts(html))


def _link_texts(html: str) -> list[str]:
    import re

    return re.findall(r'<a href="[^"]+">([^<]+)</a>', html)


def test_index_interface_is_localised_with_plurals_and_a_page_per_language(site):
    french = (site / "index.html").read_text("utf-8")
    assert '<html lang="fr"' in french and "<title>Traductions publiées</title>" in french
    assert "3 documents" in french and "4 traductions" in french
    assert "Rechercher dans les titres" in french and "Plus récents d&#39;abord" in french
    german = read(site / "de" / "index.html")
    text = (site / "de" / "index.html").read_text("utf-8")
    assert '<html lang="de"' in text and "Veröffentlichte Übersetzungen" in text
    assert "1 Dokument<" in text and "1 Übersetzung<" in text
    assert [r["data-document"] for r in rows(german)] == ["defence-ministers"]
    for href in [a["href"] for a in german.find("a")]:
        assert (site / "de" / unquote(href)).resolve().is_file(), href
    english = (site / "en" / "index.html").read_text("utf-8")
    assert "NATO: an asset for Europe" in english and "Published translations" in english
    # the all-languages page links every language page; language pages link back
    assert 'href="de/index.html"' in french and 'href="../index.html"' in text


def test_index_language_defaults_to_the_first_language_recorded(tmp_path):
    write_index(tmp_path, publish_document(seed_translation("de"), tmp_path, options()))
    assert '<html lang="de"' in (tmp_path / "index.html").read_text("utf-8")


def test_unchanged_republishing_leaves_every_index_page_untouched(site):
    pages = [site / "index.html", site / "fr" / "index.html", site / "de" / "index.html"]
    before = [(p.stat().st_mtime_ns, p.read_bytes()) for p in pages]
    again = publish_languages([seed_translation("fr"), seed_translation("de")], site, options())
    assert not any(f.written for f in again)
    write_index(site, again, options(index_language="fr"))
    assert [(p.stat().st_mtime_ns, p.read_bytes()) for p in pages] == before


def test_index_keeps_earlier_runs_and_drops_deleted_files(tmp_path):
    """Publishing one language later keeps the other in the index (the manifest on disk);
    a published file deleted by hand disappears from it."""
    write_index(tmp_path, publish_document(seed_translation(), tmp_path, options("txt", "html")))
    write_index(tmp_path, publish_document(seed_translation("de"), tmp_path, options("txt")))
    assert rows(read(tmp_path / "index.html"))[0]["data-states"] == "de:partly fr:partly"
    (tmp_path / "de" / "defence-ministers.txt").unlink()
    write_index(tmp_path)
    assert rows(read(tmp_path / "index.html"))[0]["data-states"] == "fr:partly"
    assert "1 traduction<" in (tmp_path / "index.html").read_text("utf-8")


def _with_source(tdoc, path: Path):
    document = dataclasses.replace(tdoc.document, source_path=str(path))
    return dataclasses.replace(tdoc, document=document)


def test_no_row_for_a_source_that_no_longer_exists(tmp_path):
    """A deleted or renamed transcript leaves the index (its recorded path is gone); a
    document published from text that was never a file is kept."""
    sources = tmp_path / "sources"
    sources.mkdir()
    out = tmp_path / "output"
    for name in ("kept", "deleted", "old-name"):
        (sources / f"{name}.txt").write_text("Hello.\n", "utf-8")
        tdoc = _with_source(headerless(name), sources / f"{name}.txt")
        write_index(out, publish_document(tdoc, out, options("html")))
    write_index(out, publish_document(headerless("in-memory"), out, options("html")))
    (sources / "deleted.txt").unlink()
    (sources / "old-name.txt").rename(sources / "new-name.txt")
    tdoc = _with_source(headerless("new-name"), sources / "new-name.txt")
    write_index(out, publish_document(tdoc, out, options("html")))
    listed = sorted(r["data-document"] for r in rows(read(out / "index.html")))
    assert listed == ["in-memory", "kept", "new-name"]
    assert "3 documents" in (out / "index.html").read_text("utf-8")


def test_only_reviewed_publishes_and_indexes_only_what_passes(tmp_path):
    reviewed = headerless("reviewed", R)
    machine = headerless("machine", M)
    # an earlier review-style run published everything into the same directory
    write_index(tmp_path, publish_languages([machine], tmp_path, options("html")))
    public = options("html", style="public", only_reviewed=True)
    files = publish_languages([reviewed], tmp_path, public)
    files += publish_languages([machine], tmp_path, public)
    assert {f.document for f in files} == {"reviewed"}
    write_index(tmp_path, files, public)
    assert [r["data-document"] for r in rows(read(tmp_path / "index.html"))] == ["reviewed"]
    # --min-reviewed lowers the bar
    seed = seed_translation(hostile=False)  # 63 % reviewed
    assert publish_languages([seed], tmp_path, options(only_reviewed=True, min_reviewed=60))
    assert not publish_languages([seed], tmp_path, options(only_reviewed=True, min_reviewed=70))


def test_a_document_named_index_would_overwrite_a_language_index(tmp_path):
    with pytest.raises(UserError, match="index"):
        publish_document(headerless("index"), tmp_path, options("html"))
    publish_document(headerless("2021/index"), tmp_path, options("html"))  # sub-folder: fine


def test_an_old_manifest_is_migrated_in_place(tmp_path):
    """A schema-1 ``.published.sqlite3`` (no documents table, five columns) gains its
    columns and table without losing a row; file times are filled from the files."""
    publish_document(seed_translation(), tmp_path, options("txt"))
    db = sqlite3.connect(tmp_path / MANIFEST_FILE)
    db.executescript(
        """CREATE TABLE published (path TEXT PRIMARY KEY, format TEXT NOT NULL,
        document TEXT NOT NULL, language TEXT NOT NULL, reviewed_ratio REAL NOT NULL)
        WITHOUT ROWID;
        CREATE INDEX published_document ON published (document);
        INSERT INTO published VALUES ('fr/defence-ministers.txt', 'txt', 'defence-ministers',
        'fr', 0.5);"""
    )
    db.close()
    write_index(tmp_path)
    db = sqlite3.connect(tmp_path / MANIFEST_FILE)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in db.execute("PRAGMA table_info(published)")}
    assert {"title", "kind", "style", "published_at"} <= columns
    (stamp,) = db.execute("SELECT published_at FROM published").fetchone()
    assert stamp.endswith("Z") and stamp[:4].isdigit()
    assert db.execute("SELECT document FROM documents").fetchall() == [("defence-ministers",)]
    db.close()
    listed = rows(read(tmp_path / "index.html"))
    assert [r["data-document"] for r in listed] == ["defence-ministers"]
    # publishing again fills in the title and date
    write_index(tmp_path, publish_document(seed_translation(), tmp_path, options("txt")))
    assert rows(read(tmp_path / "index.html"))[0]["data-date"] == "2021-02-18"


def test_index_takes_over_the_json_manifest_of_earlier_versions(tmp_path):
    files = publish_document(seed_translation(), tmp_path, options("txt"))
    legacy = [
        {
            "path": str(f.path),
            "format": f.format,
            "document": f.document,
            "language": f.language,
            "reviewed_ratio": f.reviewed_ratio,
        }
        for f in files
    ]
    (tmp_path / ".published.json").write_text(json.dumps(legacy), encoding="utf-8")
    write_index(tmp_path)
    assert [r["data-document"] for r in rows(read(tmp_path / "index.html"))] == [
        "defence-ministers"
    ]
    assert not (tmp_path / ".published.json").exists()


def test_index_streams_a_large_manifest_newest_first(tmp_path):
    """2,000 documents: every row is rendered, newest first, from the SQLite manifest
    (memory at 50,000: bench/index_scale.py)."""
    write_index(tmp_path, iter(_archive_files(tmp_path, 2000)))
    html = (tmp_path / "index.html").read_text("utf-8")
    assert html.count('<tr data-document="archive/') == 2000
    assert html.index("archive/01999") < html.index("archive/00000")
    assert "2000 documents" in html


def _archive_files(root: Path, count: int, ratio: float = 0.5) -> list[PublishedFile]:
    files = []
    for i in range(count):
        name = f"archive/{i:05d}"
        path = root / "fr" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
        date = (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat()
        files.append(PublishedFile(path, "txt", name, "fr", ratio, facts=_facts(name, date)))
    return files


def _count_rendered_rows(monkeypatch) -> list[str]:
    """The documents whose index rows are rendered from now on (one item per row)."""
    import pipeline.publish.index as index

    rendered: list[str] = []
    document = index._document
    monkeypatch.setattr(
        index,
        "_document",
        lambda items, page: rendered.append(items[0].document) or document(items, page),
    )
    return rendered


def test_index_renders_again_only_the_rows_whose_files_changed(tmp_path, monkeypatch):
    """The manifest keeps each row's HTML: publishing one document again renders its
    rows (one per page) and copies the others; the pages are byte for byte what
    rendering every row gives."""
    rendered = _count_rendered_rows(monkeypatch)
    files = _archive_files(tmp_path, 50)
    write_index(tmp_path, files)
    assert len(rendered) == 100  # 50 rows on index.html and on fr/index.html
    rendered.clear()
    changed = dataclasses.replace(files[7], reviewed_ratio=1.0)
    write_index(tmp_path, [changed])
    assert rendered == ["archive/00007", "archive/00007"]
    pages = [tmp_path / "index.html", tmp_path / "fr" / "index.html"]
    for page in pages:
        row = next(r for r in rows(read(page)) if r["data-document"] == "archive/00007")
        assert row["data-states"] == "fr:reviewed"
    cached = [page.read_bytes() for page in pages]
    with sqlite3.connect(tmp_path / MANIFEST_FILE) as db:
        db.execute("DELETE FROM index_rows")
    for page in pages:
        page.unlink()
    rendered.clear()
    write_index(tmp_path)
    assert len(rendered) == 100
    assert [page.read_bytes() for page in pages] == cached


def test_rows_rendered_again_by_the_thousand_are_all_kept(tmp_path, monkeypatch):
    """More than a thousand rows rendered while the kept ones are read (they wait in a
    temporary table) are all kept: the next unchanged run renders none."""
    files = _archive_files(tmp_path, 1100)
    write_index(tmp_path, files)
    write_index(tmp_path, [dataclasses.replace(f, reviewed_ratio=1.0) for f in files])
    rendered = _count_rendered_rows(monkeypatch)
    (tmp_path / "index.html").unlink()
    write_index(tmp_path)
    assert rendered == []
    states = {r["data-states"] for r in rows(read(tmp_path / "index.html"))}
    assert states == {"fr:reviewed"}


def _facts(name: str, date: str):
    from pipeline.publish import DocumentFacts

    return DocumentFacts(title=f"Statement {name}", date=date, source_language="en")
