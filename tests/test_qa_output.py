"""``pipeline check`` as a user and a CI job see it: compiler-style lines, table, JSON, gates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from conftest import DATA, run_cli
from po_files import NNBSP, entry, entry_start_lines, needs_msgfmt, write_po

from pipeline.qa import CheckReport, Finding
from pipeline.qa.render import group_line, more_places
from pipeline.terminal import path_pieces

ESC_NAME = "\x1b[31mred"
JSON_KEYS = [
    "document",
    "language",
    "po_path",
    "po_line",
    "source_ref",
    "msgid",
    "check",
    "severity",
    "message",
    "msgstr",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """translations/fr with the same reviewed numbers error in three documents, a
    machine-only typography warning, and a document whose name holds an escape sequence."""
    fr = tmp_path / "translations" / "fr"
    for name in ("a", "b", "c"):
        write_po(
            fr / f"{name}.po",
            [
                entry("About 4,000 troops.", "Environ 4,000 soldats.", 3, ref=f"{name}.txt"),
                entry("Is it true?", "Est-ce vrai ?", 5, machine=True, ref=f"{name}.txt"),
            ],
        )
    write_po(fr / f"{ESC_NAME}.po", [entry("It grew 3.5%.", "Il a crû de 3.5 %.", 2, ref="r.txt")])
    return tmp_path


def _line_of(path: Path, msgid: str) -> int:
    return entry_start_lines(path)[msgid]


@needs_msgfmt
def test_default_output_is_one_line_per_group_then_a_summary(project: Path) -> None:
    result = run_cli("check", cwd=project, env={"COLUMNS": "80"})
    assert result.returncode == 3, result.stderr  # ExitStatus.QUALITY
    fr = project / "translations" / "fr"
    n = _line_of(fr / "a.po", "About 4,000 troops.")
    q = _line_of(fr / "a.po", "Is it true?")
    r = _line_of(fr / f"{ESC_NAME}.po", "It grew 3.5%.")
    assert result.stdout.splitlines() == [  # sorted by path: ESC comes before "a"
        f"translations/fr/\\x1b[31mred.po:{r}: error: [numbers] '3.5' should be '3,5' in French "
        "(source: r.txt:2)",
        f"translations/fr/a.po:{n}: error: [numbers] '4,000' should be '4{NNBSP}000' in French "
        f"(source: a.txt:3) (and 2 more: b.po:{n}, c.po:{n})",
        f"translations/fr/a.po:{q}: warning: [french-typography] plain space before '?': "
        f"use U+00A0 or U+202F (source: a.txt:5) (and 2 more: b.po:{q}, c.po:{q})",
        "4 errors, 3 warnings in 4 files (numbers 4, french-typography 3); "
        "3 distinct, 4 files checked",
    ]
    assert "\x1b" not in result.stdout
    assert run_cli("check", "--exit-zero", cwd=project).returncode == 0


@needs_msgfmt
def test_reviewed_only_severity_error_gates_a_pipeline(project: Path) -> None:
    fr = project / "translations" / "fr"
    # Freshly machine-translated: every entry fuzzy. The gate passes, plain check does not.
    for path in fr.glob("*.po"):
        po = polib.pofile(str(path))
        for made in po:
            made.flags = ["fuzzy"]
        po.save()
    gate = ("check", "--reviewed-only", "--severity", "error")
    result = run_cli(*gate, cwd=project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == ["no findings; 4 files checked"]
    assert run_cli("check", cwd=project).returncode == 3
    # A person confirms one entry that still has the numbers error: the gate fails.
    po = polib.pofile(str(fr / "b.po"))
    po.find("About 4,000 troops.").flags = []
    po.save()
    result = run_cli(*gate, cwd=project)
    assert result.returncode == 3
    assert result.stdout.splitlines()[0].startswith(
        f"translations/fr/b.po:{_line_of(fr / 'b.po', 'About 4,000 troops.')}: error: [numbers]"
    )


@needs_msgfmt
def test_check_filter_and_its_errors(project: Path) -> None:
    result = run_cli("check", "--check", "french-typography", cwd=project)
    assert result.returncode == 0  # warnings only
    assert [line.split(": ")[1] for line in result.stdout.splitlines()[:-1]] == ["warning"]
    bad = run_cli("check", "--check", "numbers,nope", cwd=project)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        "error: unknown check 'nope'; valid checks: msgfmt, syntax, numbers, urls, emails, "
        "brackets, untranslated, identical, whitespace, end-punctuation, length-ratio, "
        "french-typography, doublequoting, terminology, do-not-translate"
    ]
    assert run_cli("check", "--severity", "fatal", cwd=project).returncode == 1
    assert run_cli("check", "--format", "xml", cwd=project).returncode == 1


@needs_msgfmt
def test_json_is_a_list_of_objects_with_documented_keys(project: Path) -> None:
    result = run_cli("check", "--format", "json", "--severity", "error", cwd=project)
    assert result.returncode == 3
    findings = json.loads(result.stdout)
    assert len(findings) == 4
    assert all(list(f) == JSON_KEYS for f in findings)
    first = findings[1]  # after the file whose name starts with ESC
    assert first["po_path"] == "translations/fr/a.po" and first["check"] == "numbers"
    assert first["msgstr"] == "Environ 4,000 soldats." and first["source_ref"] == "a.txt:3"
    assert "\x1b" not in result.stdout and "\\u001b[31mred" in result.stdout
    assert json.loads(run_cli("check", "--json", "--severity", "error", cwd=project).stdout) == (
        findings
    )


def _tokens(text: str) -> set[str]:
    """Words of a rendering, and every run of consecutive path pieces inside them."""
    found = set()
    for word in text.split():
        pieces = path_pieces(word)
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                found.add("".join(pieces[start:end]))
    return found


@needs_msgfmt
@pytest.mark.parametrize("columns", [80, 100])
def test_table_never_cuts_a_word(project: Path, columns: int) -> None:
    fr = project / "translations" / "fr"
    long_name = "nato-2017-05-24-press-conference-with-the-secretary-general"
    url = "https://www.nato.int/cps/en/natohq/opinions_144862.htm?selectedLocale=en"
    write_po(
        fr / "press" / "2017" / f"{long_name}.po",
        [entry(f"See {url} today.", "Voir le site aujourd'hui.", 9, ref=f"{long_name}.txt")],
    )
    wide = run_cli("check", "--format", "table", cwd=project, env={"COLUMNS": "400"})
    narrow = run_cli("check", "--format", "table", cwd=project, env={"COLUMNS": str(columns)})
    assert narrow.returncode == wide.returncode == 3
    table = narrow.stdout.splitlines()
    assert max(len(line) for line in table) <= columns
    allowed = _tokens(wide.stdout)
    for word in "\n".join(table).split():
        assert word in allowed or "…" in word or set(word) == {"─"}, word
    for text in ("[numbers]", "[urls]", "[french-typography]", "+2 more", "\\x1b[31mred.po:"):
        assert text in narrow.stdout


# --------------------------------------------------------------------------- rendering


def _finding(path: str, line: int) -> Finding:
    return Finding("d", "fr", path, line, "d.txt:1", "Hi.", "numbers", "error", "'1' is wrong")


def test_groups_name_the_other_places_briefly() -> None:
    paths = [("t/fr/a.po", 3), ("t/fr/a.po", 9), ("t/fr/b.po", 4), ("t/fr2/c.po", 5)]
    paths.append(("t/fr3/e.po", 1))
    report = CheckReport([_finding(p, n) for p, n in paths], files_checked=9)
    [group] = report.groups()
    assert more_places(group) == " (and 4 more: line 9, b.po:4, t/fr2/c.po:5, …)"
    assert group_line(group).plain == (
        "t/fr/a.po:3: error: [numbers] '1' is wrong (source: d.txt:1)"
        " (and 4 more: line 9, b.po:4, t/fr2/c.po:5, …)"
    )
    assert report.summary() == (
        "5 errors, 0 warnings in 4 files (numbers 5); 1 distinct, 9 files checked"
    )


def _confirm(po_path: Path, containing: str, msgstr: str | None = None) -> int:
    """A person confirms the entry whose msgid holds ``containing`` (fuzzy off), with
    ``msgstr`` or as the machine left it; its line in the saved file."""
    po = polib.pofile(str(po_path))
    found = next(e for e in po if containing in e.msgid)
    found.flags.remove("fuzzy")
    found.msgstr = found.msgstr if msgstr is None else msgstr
    po.save()
    return polib.pofile(str(po_path)).find(found.msgid).linenum


def test_gate_on_a_freshly_machine_translated_archive(workdir: Path, model_store: Path) -> None:
    """#13: --reviewed-only --severity error passes on machine output of a whole archive,
    fails once a person confirms an entry that still has a numbers error, and names only
    that entry (the same error in a machine entry elsewhere is not reviewed work)."""
    english = sorted(p for p in DATA.glob("nato-*.txt") if not p.stem.endswith("-fr"))
    for path in english:
        shutil.copy(path, workdir)
    documents = ["transcript.txt", *(path.name for path in english)]
    run_cli("run", *documents, "--to", "fr", "--quiet", check=True)
    files = f"{len(documents)} files checked"
    gate = ("check", "--reviewed-only", "--severity", "error")
    result = run_cli(*gate)
    assert result.returncode == 0, result.stdout
    assert result.stdout == f"no findings; {files}\n"
    everything = run_cli("check", "--severity", "error")
    assert everything.returncode == 3 and "[numbers]" in everything.stdout
    assert "(and 1 more: transcript.po:" in everything.stdout  # also in the 2021 transcript

    fr = workdir / "translations" / "fr"
    fixed = f"La taille de notre mission passera de 500 personnes à environ 4{NNBSP}000."
    _confirm(fr / "nato-2021-02-18-defence-ministers.po", "4,000", fixed)
    _confirm(fr / "nato-2017-05-24-press-conference.po", "")  # confirmed as the machine left it
    assert run_cli(*gate).returncode == 0
    line = _confirm(fr / "transcript.po", "4,000")  # confirmed without fixing the number
    result = run_cli(*gate)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        f"translations/fr/transcript.po:{line}: error: [numbers] "
        f"'4,000' should be '4{NNBSP}000' in French (source: transcript.txt:50)",
        f"1 error, 0 warnings in 1 file (numbers 1); 1 distinct, {files}",
    ]
