"""Removed and renamed transcripts (issue #14, item 4): listed by whole-project runs,
removed by ``pipeline prune --yes``, reviewed catalogs kept in ``translations/.attic``.

Every test runs the CLI on a project made with ``pipeline init``, with the word-by-word
test model, edits PO files as a translator would, and reads back the files, the output
manifest and ``output/index.html``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

from conftest import run_cli
from po_files import checked_po, confirm

GOOD = "Good afternoon."
THANKS = "Thank you very much."
SPEECH = (
    "Good afternoon.\n\n"
    "The peace process is fragile and the Allies are strong.\n\n"
    "Thank you very much.\n"
)
OTHER = "Today NATO ministers discussed cooperation with our partners in the region.\n"
GONE_NOTE = "with no transcript any more (deleted, renamed or left out)"
ATTIC = Path("translations/.attic/fr")


def _write(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def _tree(root: Path) -> dict[str, int]:
    """Every file under ``root`` (the lock aside) with its modification time."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and ".pipeline.lock" not in p.name
    }


def _manifest_documents() -> dict[str, set[str]]:
    """Documents of each table of the output manifest."""
    with sqlite3.connect("output/.published.sqlite3") as db:
        return {
            table: {row[0] for row in db.execute(f"SELECT document FROM {table}")}
            for table in ("published", "orphans", "documents")
        }


def _indexed() -> list[str]:
    return re.findall(r'data-document="([^"]*)"', Path("output/index.html").read_text("utf-8"))


def _project(workdir: Path) -> None:
    """speech (kept), gone (reviewed, then deleted), sub/old (machine only, then deleted)."""
    run_cli("init", "--to", "fr", check=True)
    _write("speech.txt", SPEECH)
    _write("gone.txt", SPEECH.replace("fragile", "strong"))
    _write("sub/old.txt", OTHER)
    run_cli("run", "--quiet", check=True)
    confirm(Path("translations/fr/gone.po"), {GOOD: "Bonjour."}, rewrap=True)
    Path("gone.txt").unlink()
    Path("sub/old.txt").unlink()


def test_only_whole_project_runs_list_what_gone_transcripts_left(
    workdir: Path, model_store: Path
) -> None:
    """A run on some files (or with its own --include) would call every other one gone."""
    _project(workdir)
    warnings = json.loads(run_cli("run", "--json", "--quiet").stdout)["warnings"]
    assert sum(GONE_NOTE in warning for warning in warnings) == 1, warnings
    for args in (["speech.txt"], ["--include", "speech.txt"]):
        result = run_cli("run", *args)
        assert result.returncode == 0, result.stderr
        assert GONE_NOTE not in result.stderr, args


def test_prune_lists_then_moves_reviewed_catalogs_and_removes_generated_files(
    workdir: Path, model_store: Path
) -> None:
    _project(workdir)
    result = run_cli("run")  # the index leaves out the gone documents; their files stay
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if GONE_NOTE in line]
    assert len(notes) == 1, result.stderr
    assert notes[0].startswith("note: 2 documents with no transcript any more")
    assert "(2 catalogs, 2 templates, 8 published files): gone, sub/old;" in notes[0]
    assert "`pipeline prune --yes`" in notes[0]
    assert sorted(_indexed()) == ["speech", "transcript"]
    reviewed = Path("translations/fr/gone.po").read_bytes()
    before = _tree(workdir)

    listed = run_cli("prune")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert (
        "would move   translations/fr/gone.po → translations/.attic/fr/gone.po "
        "(holds translations by a person)" in lines
    )
    assert "would delete translations/fr/sub/old.po (no translation by a person)" in lines
    assert "would delete translations/templates/gone.pot" in lines
    assert "would delete output/fr/sub/old.html" in lines
    assert lines[-1] == (
        "2 documents with no transcript any more (gone, sub/old): 1 catalog to move to the "
        "attic, 11 files to delete; run `pipeline prune --yes` to do it"
    )
    plan = json.loads(run_cli("prune", "--json", check=True).stdout)
    assert plan["applied"] is False and plan["documents"] == ["gone", "sub/old"]
    assert (plan["moved"], plan["deleted"]) == (1, 11)
    assert _tree(workdir) == before  # listing writes nothing

    done = run_cli("prune", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "2 documents with no transcript any more (gone, sub/old): 1 catalog moved to the "
        "attic, 11 files deleted"
    )
    assert (ATTIC / "gone.po").read_bytes() == reviewed
    assert checked_po(ATTIC / "gone.po").find(GOOD).msgstr == "Bonjour."
    left = set(_tree(workdir))
    removed = {path for path in before if "gone." in path or "old." in path}
    assert len(removed) == 12 and not removed & left
    assert not Path("output/fr/sub").exists() and not Path("translations/fr/sub").exists()
    assert {p for p in before if p not in removed} <= left  # nothing else touched
    tables = _manifest_documents()
    assert tables == {
        "published": {"speech", "transcript"},
        "orphans": set(),
        "documents": {"speech", "transcript"},
    }
    assert sorted(_indexed()) == ["speech", "transcript"]
    assert run_cli("prune", check=True).stdout == (
        "nothing to prune: every catalog and published file has its transcript\n"
    )
    status = json.loads(run_cli("status", "--json", check=True).stdout)
    assert sorted((row["document"], row["language"]) for row in status) == [
        ("speech", "fr"),
        ("transcript", "fr"),
    ]


def test_a_renamed_transcript_gets_its_reviews_back_after_pruning(
    workdir: Path, model_store: Path
) -> None:
    """Reviews stay in the memory: the catalog in the attic is read by it, also by a rebuild."""
    run_cli("init", "--to", "fr", check=True)
    _write("speech.txt", SPEECH)
    run_cli("run", "--quiet", check=True)
    confirm(
        Path("translations/fr/speech.po"),
        {GOOD: "Bonjour.", THANKS: "Merci beaucoup."},
        rewrap=True,
    )
    Path("speech.txt").rename("renamed.txt")
    run_cli("run", "--quiet", check=True)
    run_cli("prune", "--yes", check=True)
    assert (ATTIC / "speech.po").is_file() and not Path("translations/fr/speech.po").exists()
    run_cli("run", "--quiet", check=True)
    assert checked_po(Path("translations/fr/renamed.po")).find(GOOD).msgstr == "Bonjour."

    run_cli("memory", "rebuild", check=True)  # from the PO files: the attic's too
    Path("translations/fr/renamed.po").unlink()
    result = run_cli("run")
    assert result.returncode == 0, result.stderr
    assert "back from the memory in context" in result.stderr
    po = checked_po(Path("translations/fr/renamed.po"))
    assert po.find(GOOD).msgstr == "Bonjour." and po.find(THANKS).msgstr == "Merci beaucoup."
    assert "in-context exact match, .attic/speech.po:" in po.find(GOOD).comment


def test_reviews_made_after_the_last_run_reach_the_memory_from_the_attic(
    workdir: Path, model_store: Path
) -> None:
    """Reviewed, renamed and pruned before any run saw the review: the next run learns it
    from the attic. The published files of a document still in the index go too."""
    run_cli("init", "--to", "fr", check=True)
    _write("speech.txt", SPEECH)
    run_cli("run", "--quiet", check=True)
    confirm(Path("translations/fr/speech.po"), {GOOD: "Bonjour."}, rewrap=True)
    Path("speech.txt").rename("renamed.txt")
    run_cli("prune", "--yes", check=True)
    assert not list(Path("output").rglob("speech.*"))
    assert sorted(_indexed()) == ["transcript"]
    run_cli("run", "--quiet", check=True)
    assert checked_po(Path("translations/fr/renamed.po")).find(GOOD).msgstr == "Bonjour."
    assert sorted(_indexed()) == ["renamed", "transcript"]


def test_a_language_left_without_documents_loses_its_index_page(
    workdir: Path, model_store: Path, package_file
) -> None:
    with zipfile.ZipFile(package_file("en", "de")) as archive:
        archive.extractall(model_store)
    run_cli("init", "--to", "fr", check=True)
    _write("gone.txt", OTHER)
    run_cli("run", "--quiet", check=True)
    run_cli("run", "gone.txt", "--to", "de", "--quiet", check=True)
    assert 'data-document="gone"' in Path("output/de/index.html").read_text("utf-8")
    Path("gone.txt").unlink()
    run_cli("run", "--quiet", check=True)  # rewrites the index pages of fr only
    plan = json.loads(run_cli("prune", "--json", check=True).stdout)
    pages = [f["path"] for f in plan["files"] if f["kind"] == "index"]
    assert pages == [str(workdir / "output/de/index.html")]
    run_cli("prune", "--yes", check=True)
    assert not Path("output/de").exists()
    assert sorted(_indexed()) == ["transcript"]
    assert Path("output/fr/index.html").is_file()


def test_parts_of_a_large_transcript_live_and_go_with_it(workdir: Path, model_store: Path) -> None:
    run_cli("init", "--to", "fr", check=True)
    paragraph = "The peace process is fragile and the Allies are strong. " * 4
    _write("big.txt", "\n\n".join(f"{n}. {paragraph}" for n in range(40)) + "\n")
    env = {**os.environ, "PIPELINE_PART_BYTES": "1024"}
    run_cli("run", "--quiet", env=env, check=True)
    parts = sorted(p.name for p in Path("translations/fr").glob("big.part-*.po"))
    assert len(parts) >= 2
    assert "nothing to prune" in run_cli("prune", env=env, check=True).stdout
    Path("big.txt").unlink()
    plan = json.loads(run_cli("prune", "--json", env=env, check=True).stdout)
    assert plan["documents"] == [name.removesuffix(".po") for name in parts]


def test_prune_refuses_a_project_without_transcripts(workdir: Path, model_store: Path) -> None:
    """An unmounted share must not make every document look gone."""
    run_cli("init", "--to", "fr", "--translations-dir", "tr", check=True)
    run_cli("run", "--quiet", check=True)
    Path("transcript.txt").unlink()
    before = _tree(workdir)
    result = run_cli("prune", "--yes")
    assert result.returncode == 1
    assert result.stderr.startswith("error: no transcripts in ") and result.stderr.count("\n") == 1
    assert _tree(workdir) == before


def test_the_attic_never_overwrites_and_the_memory_reads_it_by_document(tmp_path: Path) -> None:
    from pipeline.project import Project
    from pipeline.steps.attic import attic_path, catalog_file, memory_catalogs

    project = Project(translations_dir=tmp_path / "translations")
    first = attic_path(project, "fr", "2019/old")
    assert first == tmp_path / "translations/.attic/fr/2019/old.po"
    first.parent.mkdir(parents=True)
    first.write_text("", encoding="utf-8")
    second = attic_path(project, "fr", "2019/old")
    assert second.name == "old~2.po"
    second.write_text("", encoding="utf-8")
    assert attic_path(project, "fr", "2019/old").name == "old~3.po"
    (tmp_path / "translations/fr").mkdir()
    (tmp_path / "translations/fr/new.po").write_text("", encoding="utf-8")
    assert [row[:3] for row in memory_catalogs(project)] == [
        ("new", "new", "fr"),
        (".attic/2019/old", "2019/old", "fr"),
        (".attic/2019/old~2", "2019/old", "fr"),
    ]
    assert catalog_file(project, "fr", ".attic/2019/old~2") == second
    assert catalog_file(project, "fr", "new") == tmp_path / "translations/fr/new.po"
