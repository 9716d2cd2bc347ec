"""Bad input, faults and safety: clear errors, nothing lost, nothing escaped.

Each test here is a row of docs/reliability.md.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from conftest import run_cli
from po_files import msgfmt_check

from pipeline import api
from pipeline.errors import UserError
from pipeline.gettext import states
from pipeline.testing import word_by_word

PO = Path("translations/fr/transcript.po")


def _review_some(po_path: Path, count: int = 5) -> dict[str, str]:
    po = polib.pofile(str(po_path))
    reviewed = {}
    for entry in list(po)[:count]:
        entry.msgstr = f"RELU {entry.msgid}"
        entry.flags.remove("fuzzy")
        reviewed[entry.msgid] = entry.msgstr
    po.save()
    return reviewed


# -- translators' files ------------------------------------------------------------------


def test_po_syntax_error_is_reported_and_file_untouched(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    text = PO.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, ln in enumerate(text) if ln.startswith("msgstr") and i > 20)
    text[line] = text[line].rstrip('"\n') + "\n"  # an editor left an unterminated string
    PO.write_text("".join(text), encoding="utf-8")
    before = PO.read_bytes()
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 2  # ExitStatus.PARTIAL: the document was skipped
    assert f"transcript.po:{line + 1}: PO syntax error" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert PO.read_bytes() == before


def test_po_of_another_language_is_refused(workdir: Path, model_store: Path) -> None:
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    PO.write_text(PO.read_text(encoding="utf-8").replace("Language: fr", "Language: de"))
    before = PO.read_bytes()
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 2 and "Language: de" in result.stderr
    assert PO.read_bytes() == before


@pytest.mark.parametrize("fail_fast", [True, False])
def test_po_edited_during_run_is_not_overwritten(
    workdir: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch, fail_fast: bool
) -> None:
    project = api.Project()
    sources = api.find_sources(["transcript.txt"])
    api.extract(project, sources, ["fr"])
    edited = PO.read_text(encoding="utf-8") + "\n# a translator saved the file meanwhile\n"
    original_set = states.set_machine_translation

    def set_and_edit(entry, translation, label):  # type: ignore[no-untyped-def]
        if PO.read_text(encoding="utf-8") != edited:
            PO.write_text(edited, encoding="utf-8")  # Poedit saves after we read the file
        original_set(entry, translation, label)

    monkeypatch.setattr(states, "set_machine_translation", set_and_edit)
    if fail_fast:
        with pytest.raises(UserError, match="changed on disk while the run was in progress"):
            api.translate(project, sources, ["fr"], fail_fast=True)
    else:  # the default: the document is skipped and reported, the batch goes on
        report = api.translate(project, sources, ["fr"])
        (problem,) = report.problems
        assert "changed on disk while the run was in progress" in problem.message
        assert problem.file.endswith("transcript.po") and problem.document == "transcript"
    assert PO.read_text(encoding="utf-8") == edited


def test_second_run_refuses_while_first_holds_the_lock(workdir: Path, model_store: Path) -> None:
    from filelock import FileLock

    Path("translations").mkdir()
    with FileLock("translations/.pipeline.lock"):
        result = run_cli(
            "run", "transcript.txt", "--to", "fr", env={"PIPELINE_LOCK_TIMEOUT": "0.5"}
        )
    assert result.returncode == 1
    assert "another pipeline run holds .pipeline.lock" in result.stderr
    assert not PO.exists()


def test_po_path_that_is_a_directory(workdir: Path, model_store: Path) -> None:
    PO.mkdir(parents=True)
    result = run_cli("run", "transcript.txt", "--to", "fr")
    assert result.returncode == 2 and "is a directory, expected a PO file" in result.stderr


# -- crash safety ------------------------------------------------------------------------


def test_killed_runs_never_leave_broken_or_lossy_po_files(workdir: Path, model_store: Path) -> None:
    """SIGKILL `pipeline run` at random moments; every PO file stays old-or-new and complete."""
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    reviewed = _review_some(PO)
    source = Path("transcript.txt")
    original = source.read_text(encoding="utf-8")
    rng = random.Random(7)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    kills = 0
    for round_number in range(12):
        # each round changes the source so that the run has real work to write
        source.write_text(original + f"\n\nAdded sentence number {round_number}.\n", "utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "run", "transcript.txt", "--to", "fr", "--quiet"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        po = polib.pofile(str(PO))  # parseable: old or new version, never half
        msgfmt_check(PO)
        texts = {e.msgid: e.msgstr for e in po} | {e.msgid: e.msgstr for e in po.obsolete_entries()}
        for msgid, msgstr in reviewed.items():
            assert texts.get(msgid) == msgstr, f"round {round_number}: lost {msgid!r}"
    assert kills >= 3  # the test really interrupted runs
    run_cli("run", "transcript.txt", "--to", "fr", "--quiet", check=True)
    po = polib.pofile(str(PO))
    assert all(e.msgstr for e in po)


# -- inputs ------------------------------------------------------------------------------


def test_twenty_thousand_word_sentence_is_split_and_rejoined(
    workdir: Path, model_store: Path
) -> None:
    words = ["peace", "process", "is", "fragile", "and", "we", "remain", "committed"]
    sentence = " ".join(words[i % len(words)] for i in range(20_000)) + "."
    Path("long.txt").write_text(sentence + "\n", encoding="utf-8")
    result = run_cli("run", "long.txt", "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    po = polib.pofile("translations/fr/long.po")
    (entry,) = list(po)
    assert entry.msgid == sentence
    assert entry.msgstr == word_by_word(sentence)  # nothing truncated, order kept
    assert len(entry.msgstr.split()) == 20_000


def test_megabyte_line_and_unicode_oddities(workdir: Path, model_store: Path) -> None:
    odd = (
        "Cafe\u0301 au lait costs 3.5 euros.\r"  # combining mark, CR-only line end
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd. Hello \U0001f600 world.\r"
        "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 here.\r"
        "Il a dit\u00a0: \u00ab\u00a0oui\u00a0\u00bb.\r\r"
        + "The peace process is fragile. "
        * 35_000
    )
    Path("odd.txt").write_text(odd, encoding="utf-8")
    assert Path("odd.txt").stat().st_size > 1_000_000
    result = run_cli("run", "odd.txt", "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    po_path = Path("translations/fr/odd.po")
    msgfmt_check(po_path)
    msgids = [e.msgid for e in polib.pofile(str(po_path))]
    assert "Cafe\u0301 au lait costs 3.5 euros." in msgids
    assert "Il a dit\u00a0: \u00ab\u00a0oui\u00a0\u00bb." in msgids  # NBSP kept as written
    assert msgids.count("The peace process is fragile.") == 1


def test_path_with_spaces_and_non_ascii(workdir: Path, model_store: Path) -> None:
    folder = Path("mes discours")
    folder.mkdir()
    (folder / "Déclaration finale.txt").write_text("The peace process is fragile.\n", "utf-8")
    result = run_cli("run", str(folder / "Déclaration finale.txt"), "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    po_path = Path("translations/fr/mes discours/Déclaration finale.po")
    msgfmt_check(po_path)
    assert "\u2068mes discours/Déclaration finale.txt\u2069:1" in po_path.read_text("utf-8")
    assert Path("output/fr/mes discours/Déclaration finale.txt").exists()


def test_same_file_twice_and_directory_walk(workdir: Path, model_store: Path) -> None:
    twice = run_cli("run", "transcript.txt", "./transcript.txt", "--to", "fr", "--quiet")
    assert twice.returncode == 0, twice.stderr
    tree = Path("archive/2021")
    tree.mkdir(parents=True)
    (tree / "speech.txt").write_text("The peace process is fragile.\n", "utf-8")
    walked = run_cli("run", "archive", "--to", "fr", "--quiet")
    assert walked.returncode == 0, walked.stderr
    assert Path("translations/fr/archive/2021/speech.po").exists()
    assert Path("output/fr/archive/2021/speech.txt").exists()


def test_two_files_with_the_same_name_get_two_catalogs(workdir: Path, model_store: Path) -> None:
    """Documents are named by their path under the project root (issue #14): a/speech.txt
    and b/speech.txt never share a catalog, and a file keeps its name however it is named."""
    for folder in ("a", "b"):
        Path(folder).mkdir()
        Path(folder, "speech.txt").write_text(f"Hello from {folder}.\n", "utf-8")
    result = run_cli("run", "a/speech.txt", "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    result = run_cli("run", "b/speech.txt", "--to", "fr", "--quiet")
    assert result.returncode == 0, result.stderr
    a, b = (polib.pofile(f"translations/fr/{folder}/speech.po") for folder in ("a", "b"))
    assert [e.msgid for e in a] == ["Hello from a."] and [e.msgid for e in b] == ["Hello from b."]
    assert not [e for e in a if e.obsolete]  # b was not merged into a's catalog
    again = run_cli("run", str(Path("a/speech.txt").resolve()), "./a/../a/speech.txt", "--to", "fr")
    assert again.returncode == 0, again.stderr
    assert sorted(
        p.relative_to("translations/fr").as_posix() for p in Path("translations/fr").rglob("*.po")
    ) == ["a/speech.po", "b/speech.po"]


def test_encoding_override(workdir: Path, model_store: Path) -> None:
    Path("latin.txt").write_bytes("Le café est prêt.\n".encode("latin-1"))
    refused = run_cli("run", "latin.txt", "--to", "fr")
    assert refused.returncode == 2 and "--encoding" in refused.stderr
    result = run_cli("run", "latin.txt", "--to", "fr", "--encoding", "latin-1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert polib.pofile("translations/fr/latin.po")[0].msgid == "Le café est prêt."


# -- safety ------------------------------------------------------------------------------


HOSTILE = (
    "Press conference\n\n"
    "He typed <script>alert(1)</script> and ]]> into the box.\n"
    "Then {{ config }} and {% raw %} appeared, see [click](javascript:alert(1)).\n"
)


def test_source_text_is_data_in_every_output(workdir: Path, model_store: Path) -> None:
    Path("hostile.txt").write_text(HOSTILE, encoding="utf-8")
    formats = "txt,md,html,docx,bilingual-html,bilingual-md,tmx,xliff"
    result = run_cli("run", "hostile.txt", "--to", "fr", "--format", formats, "--quiet",
                     "--tmx-include-machine")  # fmt: skip
    assert result.returncode == 0, result.stderr
    for path in [Path("output/fr/hostile.html"), Path("output/en-fr/hostile.html")]:
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ config }}" in html  # rendered as text, not evaluated
    md = Path("output/fr/hostile.md").read_text(encoding="utf-8")
    assert "[click](javascript:" not in md and "<script>" not in md  # escaped: \\[click\\]
    from lxml import etree

    for path in [Path("output/en-fr/hostile.tmx"), Path("output/en-fr/hostile.xlf")]:
        tree = etree.parse(str(path))  # well-formed despite "]]>" in the text
        assert "]]>" in "".join(tree.getroot().itertext())


def test_index_url_must_be_https(workdir: Path, empty_store: Path) -> None:
    result = run_cli(
        "models", "available", env={"ARGOS_PACKAGE_INDEX": "http://example.org/index/"}
    )
    assert result.returncode == 1 and "https" in result.stderr
