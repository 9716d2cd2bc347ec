"""Incremental runs (#16): a run rebuilds only the transcripts whose inputs changed, writes
what a cold run would, and a parallel run writes what a serial one does."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from conftest import DATA, run_cli

from pipeline import api
from pipeline.steps.state import STATE_FILE

TRANSCRIPTS = (
    "nato-2017-10-09-npa-bucharest.txt",
    "nato-2019-11-19-press-conference.txt",
    "nato-2021-02-18-defence-ministers.txt",
)
TRANSCRIPT_NAMES = tuple(Path(name).stem for name in TRANSCRIPTS)
# What a build of one document does: each parses, segments or renders something.
WORK = {
    "load_catalog",
    "ingest_file",
    "sentences_of",
    "build_template",
    "build_view",
    "render_html",
    "render_bilingual_html",
}


@pytest.fixture
def archive(workdir: Path, model_store: Path) -> Path:
    """The seed transcript and three more, in one project."""
    for name in TRANSCRIPTS:
        shutil.copy(DATA / name, workdir / name)
    return workdir


def _run(project: api.Project | None = None, **changes: object) -> api.RunReport:
    project = dataclasses.replace(project or api.Project(), **changes)
    return api.run(project, api.find_sources([], project), ["fr"])


def _outputs(root: Path) -> dict[str, bytes]:
    """Every catalog, template and published file under ``root``, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for folder in ("translations", "output")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and not path.name.startswith(".") and "sqlite3" not in path.name
    }


def _times(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in root.rglob("*")
        if path.is_file()
    }


def _rewritten(before: dict[str, int], root: Path) -> set[str]:
    after = _times(root)
    return {name for name, moment in after.items() if before.get(name) != moment}


@contextlib.contextmanager
def counting() -> Iterator[Counter]:
    """Calls of the functions that parse, segment or render, counted within the block."""
    counted: Counter = Counter()

    def profile(frame, event, _arg):  # noqa: ANN001, ANN202
        code = frame.f_code
        if event == "call" and code.co_name in WORK and "pipeline" in code.co_filename:
            counted[code.co_name] += 1

    sys.setprofile(profile)
    try:
        yield counted
    finally:
        sys.setprofile(None)


def test_an_unchanged_run_parses_segments_and_renders_nothing(archive: Path) -> None:
    with counting() as cold:
        first = _run()
    # The hook sees a real build (else the assertion below could not fail).
    # Each transcript is read to check it before anything is written, then to extract
    # (not kept in between: memory stays flat); each POT and PO file is loaded once.
    assert (cold["ingest_file"], cold["load_catalog"], cold["build_template"]) == (8, 8, 4)
    assert cold["sentences_of"] > 0 and cold["render_html"] >= 4
    assert first.unchanged == 0 and first.files_written > 10
    before = _times(archive)
    with counting() as calls:
        again = _run()
    assert (again.documents, again.unchanged, again.files_written) == (4, 4, 0)
    assert calls == Counter()
    changed = _rewritten(before, archive)
    assert not {name for name in changed if not name.endswith((".lock", "sqlite3"))}, changed
    assert not list(archive.glob("translations/*-wal")), "SQLite files left open"


def test_a_deleted_index_is_written_again(archive: Path) -> None:
    _run()
    index = archive / "output" / "index.html"
    expected = index.read_bytes()
    index.unlink()
    assert _run().unchanged == 4
    assert index.read_bytes() == expected


def test_a_source_edit_rebuilds_that_document_only(archive: Path) -> None:
    _run()
    before = _times(archive)
    edited = archive / TRANSCRIPTS[0]
    edited.write_text(edited.read_text("utf-8") + "\nA brand new closing sentence.\n", "utf-8")
    report = _run()
    assert report.unchanged == 3
    stem = Path(TRANSCRIPTS[0]).stem
    assert any(
        e.msgid == "A brand new closing sentence."
        for e in polib.pofile(f"translations/fr/{stem}.po")
    )
    rewritten = {n for n in _rewritten(before, archive) if "/" in n and ".sqlite3" not in n}
    assert rewritten and all(stem in name or "index" in name for name in rewritten), rewritten


def test_a_touched_source_with_the_same_bytes_is_unchanged(archive: Path) -> None:
    _run()
    path = archive / TRANSCRIPTS[1]
    path.write_bytes(path.read_bytes())  # a new modification time, the same text
    assert _run().unchanged == 4
    assert _run().unchanged == 4  # the new time was remembered: no hash this time


def test_a_translators_save_rebuilds_that_document_and_publishes_the_review(
    archive: Path,
) -> None:
    _run()
    po_path = archive / "translations" / "fr" / "transcript.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgid and not e.obsolete)
    entry.msgstr, entry.flags = "Phrase relue par une traductrice.", []
    po.save()
    report = _run()
    rebuilt = {"transcript", *TRANSCRIPT_NAMES} - report.unchanged_files
    assert "transcript" in rebuilt
    # Another transcript is built again only when the review reaches it through the memory.
    for name in rebuilt - {"transcript"}:
        assert report.by_document[name].memory, name
    assert report.unchanged == 4 - len(rebuilt) >= 1
    page = (archive / "output" / "fr" / "transcript.html").read_text("utf-8")
    assert "Phrase relue par une traductrice." in page


def test_a_new_model_version_rebuilds_every_document(archive: Path, model_store: Path) -> None:
    _run()
    (metadata_path,) = model_store.glob("*/metadata.json")
    metadata = json.loads(metadata_path.read_text("utf-8"))
    metadata["package_version"] = "9.9"
    metadata_path.write_text(json.dumps(metadata), "utf-8")
    before = _times(archive)
    assert _run().unchanged == 0
    assert _run().unchanged == 4
    # Machine translations are redone only with --retranslate-machine: catalogs are the same.
    assert not {n for n in _rewritten(before, archive) if n.endswith(".po")}


def test_a_changed_format_list_publishes_the_new_format_and_rewrites_no_catalog(
    archive: Path,
) -> None:
    project = api.Project()
    _run(project)
    before = _times(archive)
    publish = dataclasses.replace(project.publish, formats=(*project.publish.formats, "docx"))
    report = _run(project, publish=publish)
    assert report.unchanged == 0
    rewritten = _rewritten(before, archive)
    assert {n for n in rewritten if n.endswith(".docx")} == {
        f"output/fr/{name}.docx" for name in ("transcript", *TRANSCRIPT_NAMES)
    }
    # The indexes list the new files; no catalog and no other page is written again.
    assert {n for n in rewritten if n.endswith((".po", ".pot", ".html"))} == {
        "output/index.html",
        "output/fr/index.html",
    }
    assert _run(project, publish=publish).unchanged == 4


@pytest.fixture
def label_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the tool's label catalogs, used instead of the installed ones."""
    from pipeline.publish import labels

    locale = tmp_path / "locale"
    shutil.copytree(labels.catalog_root(), locale)
    monkeypatch.setattr(labels, "catalog_root", lambda: locale)
    _clear_label_caches()
    yield locale
    monkeypatch.undo()
    _clear_label_caches()  # later tests read the installed catalogs again


def _clear_label_caches() -> None:
    from pipeline.publish import labels

    for value in vars(labels).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def test_an_edited_label_catalog_republishes_pages(archive: Path, label_catalogs: Path) -> None:
    _run()
    label_po = label_catalogs / "fr" / "LC_MESSAGES" / "pipeline.po"
    text = label_po.read_text("utf-8")
    label_po.write_text(text.replace("Traduction automatique", "Traduction machine"), "utf-8")
    _clear_label_caches()
    before = _times(archive)
    assert _run().unchanged == 0
    assert "Traduction machine" in (archive / "output/fr/transcript.html").read_text("utf-8")
    assert not {n for n in _rewritten(before, archive) if n.endswith((".po", ".pot"))}
    assert _run().unchanged == 4


@pytest.mark.parametrize("damage", ["deleted", "corrupted"])
def test_a_lost_state_gives_what_a_cold_run_gives(archive: Path, damage: str) -> None:
    _run()
    cold = _outputs(archive)
    state = archive / "translations" / STATE_FILE
    if damage == "deleted":
        state.unlink()
    else:
        state.write_bytes(b"this is not a SQLite file" * 100)
    report = _run()
    assert report.unchanged == 0
    assert _outputs(archive) == cold
    if damage == "corrupted":
        assert any("build state was damaged" in note for note in report.notes), report.notes
        assert (archive / "translations" / f"{STATE_FILE}.broken").exists()
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (4,)
    assert _run().unchanged == 4


def test_serial_and_parallel_runs_write_the_same_bytes(archive: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(archive, twin)
    _run(jobs=1)
    serial = _outputs(archive)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(twin)
        _run(jobs=2)
    assert _outputs(twin) == serial
    assert len(serial) > 20


def test_a_memory_import_rebuilds_only_documents_it_can_fill(archive: Path) -> None:
    _run()
    po = polib.pofile("translations/fr/nato-2017-10-09-npa-bucharest.po")
    sentence = next(e.msgid for e in po if e.msgid and "fuzzy" in e.flags and len(e.msgid) > 40)
    tmx = archive / "reviewed.tmx"
    tmx.write_text(_tmx(sentence, "Une traduction relue dans une autre mémoire."), "utf-8")
    api.memory_import(api.Project(), [tmx])
    report = _run()
    assert report.unchanged == 3
    (entry,) = [
        e
        for e in polib.pofile("translations/fr/nato-2017-10-09-npa-bucharest.po")
        if e.msgid == sentence
    ]
    assert entry.msgstr == "Une traduction relue dans une autre mémoire."


def _tmx(source: str, target: str) -> str:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" '
        'srclang="en" o-tmf="t"/><body><tu>'
        f'<tuv xml:lang="en"><seg>{escape(source)}</seg></tuv>'
        f'<tuv xml:lang="fr"><seg>{escape(target)}</seg></tuv>'
        "</tu></body></tmx>\n"
    )


def test_dry_run_reports_the_plan_and_writes_nothing(archive: Path) -> None:
    run_cli("run", "--to", "fr", "--quiet", check=True)
    edited = archive / TRANSCRIPTS[2]
    edited.write_text(edited.read_text("utf-8") + "\nTwo sentences nobody translated. Yes.\n")
    (archive / "new.txt").write_text("A new transcript arrives. It has two sentences.\n")
    before = _times(archive)
    result = run_cli("run", "--to", "fr", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    statuses = {document["name"]: document["status"] for document in plan["results"]}
    assert statuses == {
        "new": "new",
        "transcript": "unchanged",
        Path(TRANSCRIPTS[0]).stem: "unchanged",
        Path(TRANSCRIPTS[1]).stem: "unchanged",
        Path(TRANSCRIPTS[2]).stem: "changed",
    }
    assert (plan["new"], plan["changed"], plan["unchanged"]) == (1, 1, 3)
    assert plan["to_translate"] == {"fr": 4}
    assert _times(archive) == before
    text = run_cli("run", "--to", "fr", "--dry-run")
    assert "5 documents: 1 new, 1 changed, 3 unchanged, 0 failed" in text.stderr
    assert "fr: 4 distinct sentences to translate" in text.stderr
    assert _times(archive) == before


def test_json_lists_each_documents_result(archive: Path) -> None:
    run_cli("run", "--to", "fr", "--quiet", check=True)
    (archive / TRANSCRIPTS[0]).write_text("One changed transcript. It is short.\n")
    (archive / "broken.txt").write_bytes(b"\x00\x01binary")
    result = run_cli("run", "--to", "fr", "--json", "--quiet", "--jobs", "2")
    assert result.returncode == 2, result.stderr
    summary = json.loads(result.stdout)
    results = {item["name"]: item for item in summary["results"]}
    assert summary["unchanged"] == 3
    assert [results[name]["status"] for name in sorted(results)] == [
        "failed",
        "ok",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert results["broken"]["problems"][0].endswith("not a transcript")
    changed = results[Path(TRANSCRIPTS[0]).stem]
    assert changed["machine"] == {"fr": 2} and changed["files_written"] >= 3
    assert summary["errors"][0]["document"] == "broken"


def test_a_listed_glossary_leaves_unchanged_documents_alone_until_its_terms_change(
    archive: Path,
) -> None:
    """Syncing an unchanged glossary rewrites nothing a document depends on; a new term
    builds every document again, with its term comments."""
    run_cli("init", "--to", "fr", check=True)
    shutil.copy(DATA / "glossaries" / "terms.en-fr.csv", archive / "terms.csv")
    toml = archive / "pipeline.toml"
    toml.write_text(
        toml.read_text("utf-8").replace("files = []", 'files = ["terms.csv"]', 1), "utf-8"
    )
    for expected in (0, 4):
        result = run_cli("run", "--quiet", "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["unchanged"] == expected
    with (archive / "terms.csv").open("a", encoding="utf-8") as stream:
        stream.write("defence ministers,fr,ministres de la Défense,\n")
    result = run_cli("run", "--quiet", "--json")
    assert json.loads(result.stdout)["unchanged"] == 0
    po = polib.pofile(str(archive / "translations/fr/nato-2021-02-18-defence-ministers.po"))
    assert any("ministres de la Défense" in entry.comment for entry in po)


def test_dry_run_names_the_documents_a_run_would_skip_and_exits_2(archive: Path) -> None:
    (archive / "broken.txt").write_bytes(b"bad\x00bytes")
    result = run_cli("run", "--to", "fr", "--dry-run", "--json")
    assert result.returncode == 2, result.stderr
    plan = json.loads(result.stdout)
    (failed,) = [item for item in plan["results"] if item["status"] == "failed"]
    assert failed["name"] == "broken" and failed["problems"][0].endswith("not a transcript")
    assert (plan["new"], plan["failed"]) == (4, 1)
    assert not (archive / "translations").exists()
