"""Source discovery for a project: patterns, skipped directories, stable names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.errors import UserError
from pipeline.project.settings import ProjectSettings, SourceSettings
from pipeline.project.sources import is_included, iter_source_files, select_sources


def _tree(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Hello.\n", encoding="utf-8")


def _settings(root: Path, **sources: object) -> ProjectSettings:
    """Settings as a project file at ``root`` gives them (its roots are the only ones)."""
    settings = dataclasses.replace(ProjectSettings().resolved(root), file=root / "pipeline.toml")
    if sources:
        roots = tuple(root / r for r in sources.pop("roots", ["."]))  # type: ignore[attr-defined]
        settings = dataclasses.replace(
            settings,
            sources=dataclasses.replace(settings.sources, roots=roots, **sources),
        )
    return settings


def _names(settings: ProjectSettings) -> list[str]:
    return [source.name for source in iter_source_files(settings)]


@pytest.mark.parametrize(
    ("relative", "include", "exclude", "expected"),
    [
        ("speech.txt", ["*.txt"], [], True),
        ("2019/04/speech.txt", ["*.txt"], [], True),  # no "/": the name, at any depth
        ("speech.md", ["*.txt"], [], False),
        ("2019/speech.txt", ["2019/*.txt"], [], True),
        ("2019/04/speech.txt", ["2019/*.txt"], [], False),  # "*" stays in one directory
        ("2019/04/speech.txt", ["2019/**/*.txt"], [], True),
        ("2019/speech.txt", ["2019/**/*.txt"], [], True),  # "**" may be no directory
        ("speech.txt", ["speech.[!m]xt"], [], True),
        ("drafts/speech.txt", ["*.txt"], ["drafts"], False),  # a directory by its name
        ("2019/drafts/speech.txt", ["*.txt"], ["drafts"], False),
        ("2019/drafts/speech.txt", ["*.txt"], ["2019/drafts"], False),  # a directory by path
        ("2020/drafts/speech.txt", ["*.txt"], ["2019/drafts"], True),
        ("speech.orig.txt", ["*.txt"], ["*.orig.txt"], False),
    ],
)
def test_patterns(relative: str, include: list[str], exclude: list[str], expected: bool) -> None:
    assert is_included(relative, include, exclude) is expected


def test_the_project_walk_skips_outputs_catalogs_and_hidden_directories(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        "a.txt",
        "2019/b.txt",
        "2019/notes.md",
        "drafts/c.txt",
        ".git/d.txt",
        "translations/e.txt",
        "output/fr/a.txt",  # a published translation is not a transcript
    )
    assert _names(_settings(tmp_path, exclude=("drafts",))) == ["2019/b", "a"]


def test_names_are_relative_to_the_root_whatever_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, "archive/2015/01/speech-000.txt", "archive/2016/speech-000.txt")
    settings = _settings(tmp_path, roots=["archive"])
    monkeypatch.chdir(tmp_path / "archive" / "2015")
    by_directory = select_sources(settings, ["01"])
    by_file = select_sources(settings, ["01/speech-000.txt"])
    by_glob = select_sources(settings, ["0*/*.txt"])
    monkeypatch.chdir(tmp_path)
    by_absolute = select_sources(settings, [tmp_path / "archive/2015/01/speech-000.txt"])
    whole = select_sources(settings, [])
    assert {s.name for s in by_directory + by_file + by_glob + by_absolute} == {
        "2015/01/speech-000"
    }
    assert [s.name for s in whole] == ["2015/01/speech-000", "2016/speech-000"]
    assert all(s.root == tmp_path / "archive" for s in whole)


def test_a_directory_holding_the_roots_selects_them(tmp_path: Path) -> None:
    _tree(tmp_path, "speeches/a.txt", "press/b.txt", "other/c.txt")
    settings = _settings(tmp_path, roots=["speeches", "press"])
    assert [s.name for s in select_sources(settings, [tmp_path])] == ["a", "b"]


def test_same_name_under_two_roots_is_refused(tmp_path: Path) -> None:
    _tree(tmp_path, "speeches/x.txt", "press/x.txt")
    with pytest.raises(UserError, match="same name 'x'"):
        _names(_settings(tmp_path, roots=["speeches", "press"]))


def test_a_file_under_two_roots_is_named_by_the_first(tmp_path: Path) -> None:
    _tree(tmp_path, "archive/2019/x.txt")
    assert _names(_settings(tmp_path, roots=["archive", "archive/2019"])) == ["2019/x"]


def test_without_a_project_file_a_path_elsewhere_keeps_the_old_naming(tmp_path: Path) -> None:
    """No pipeline.toml: a file outside the current directory is named as before (its
    stem; a directory's files relative to it) rather than refused."""
    _tree(tmp_path, "here/a.txt", "elsewhere/sub/b.txt", "elsewhere/c.txt")
    settings = ProjectSettings().resolved(tmp_path / "here")  # no file: the defaults
    assert [s.name for s in select_sources(settings, [tmp_path / "elsewhere/c.txt"])] == ["c"]
    names = [s.name for s in select_sources(settings, [tmp_path / "elsewhere"])]
    assert names == ["c", "sub/b"]


def test_files_outside_the_roots_and_missing_roots(tmp_path: Path) -> None:
    _tree(tmp_path, "speeches/a.txt", "elsewhere/b.txt")
    settings = _settings(tmp_path, roots=["speeches"])
    with pytest.raises(UserError, match="outside the project's source roots"):
        select_sources(settings, [tmp_path / "elsewhere" / "b.txt"])
    with pytest.raises(UserError, match="outside the project's source roots"):
        select_sources(settings, [tmp_path / "elsewhere"])
    with pytest.raises(UserError, match="source root does not exist"):
        _names(_settings(tmp_path, roots=["gone"]))
    with pytest.raises(UserError, match="no such file or directory"):
        select_sources(settings, [tmp_path / "speeches" / "typo.txt"])


def test_a_named_file_is_taken_even_if_the_patterns_leave_it_out(tmp_path: Path) -> None:
    _tree(tmp_path, "notes.md")
    settings = _settings(tmp_path)
    assert SourceSettings().include == ("*.txt",)
    assert [s.name for s in select_sources(settings, [tmp_path / "notes.md"])] == ["notes"]
    with pytest.raises(UserError, match="no transcripts in"):
        select_sources(settings, [])
