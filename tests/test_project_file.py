"""The project file: finding it, reading it, reporting its problems by line, writing it."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pipeline.errors import UserError
from pipeline.project.file import (
    PROJECT_FILE_NAME,
    ProjectSettings,
    find_project_file,
    load_project_file,
    load_settings,
    render_project_file,
    with_values,
    write_project_file,
)
from pipeline.project.settings import KEYS, EngineSettings, MemorySettings, SourceSettings
from pipeline.project.toml_lines import key_lines
from pipeline.text.languages import normalize_language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _project(tmp_path: Path, text: str) -> Path:
    path = tmp_path / PROJECT_FILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_project_file(path)
    return str(caught.value)


# -- finding -------------------------------------------------------------------


def test_found_from_a_subdirectory_and_from_a_file(tmp_path: Path) -> None:
    path = _project(tmp_path, 'source_language = "fr"\n')
    deep = tmp_path / "archive" / "2019" / "04"
    deep.mkdir(parents=True)
    (deep / "speech.txt").write_text("Hello.\n")
    assert find_project_file(deep) == path
    assert find_project_file(deep / "speech.txt") == path
    assert find_project_file(tmp_path) == path


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    outer = _project(tmp_path, "")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    inner = _project(tmp_path / "sub", "")
    assert find_project_file(tmp_path / "sub" / "deeper") == inner
    assert find_project_file(tmp_path) == outer


def test_no_project_file_up_to_the_root(tmp_path: Path) -> None:
    above = find_project_file(tmp_path.parent)  # None, unless the machine has one above
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_project_file(tmp_path / "a" / "b") == above


def test_without_a_project_file_the_defaults_are_todays_cli_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings == ProjectSettings()
    assert settings.file is None
    assert settings.root == Path(".")
    assert settings.source_language == "en"
    assert settings.translations_dir == Path("translations")
    assert settings.output_dir == Path("output")
    assert settings.sources.include == ("*.txt",)
    assert settings.sources.encoding == "utf-8"
    assert settings.publish.formats == ("txt", "md", "html", "bilingual-html")
    assert settings.engine == EngineSettings(
        device="cpu", threads=0, pivot=None, executor="local", cache=True
    )


def test_an_explicit_project_file_is_used_and_must_exist(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('target_languages = ["de"]\n')
    _project(tmp_path, 'target_languages = ["fr"]\n')
    assert load_settings(tmp_path, other).target_languages == ("de",)
    assert load_settings(tmp_path).target_languages == ("fr",)
    with pytest.raises(UserError, match="missing.toml: no such project file"):
        load_settings(tmp_path, tmp_path / "missing.toml")


# -- reading -------------------------------------------------------------------


def test_relative_paths_resolve_against_the_files_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    path = _project(
        project,
        'translations_dir = "po"\noutput_dir = "../site"\n'
        '[sources]\nroots = ["speeches", "archive/old"]\n'
        '[terms]\nfiles = ["glossary.csv"]\n',
    )
    monkeypatch.chdir(tmp_path)  # somewhere else: paths must not depend on it
    settings = load_project_file(Path("project") / PROJECT_FILE_NAME)
    assert settings.root == project
    assert settings.file == path
    assert settings.translations_dir == project / "po"
    assert settings.output_dir == tmp_path / "site"
    assert settings.sources.roots == (project / "speeches", project / "archive" / "old")
    assert settings.terms.files == (project / "glossary.csv",)


def test_every_table_is_read(tmp_path: Path) -> None:
    path = _project(
        tmp_path,
        """
source_language = "auto"
target_languages = ["fr", "de"]
strict_language = true
jobs = 4
[sources]
include = ["**/*.txt"]
exclude = ["drafts"]
encoding = "latin-1"
[publish]
formats = ["html", "tmx"]
style = "public"
paper = "letter"
only_reviewed = true
min_reviewed = 80
index_language = "de"
[memory]
enabled = false
exact = "fuzzy"
min_score = 82.5
[engine]
device = "cuda"
threads = 8
pivot = "en"
executor = "ray"
cache = false
""",
    )
    settings = load_project_file(path)
    assert settings.source_language == "auto"
    assert settings.target_languages == ("fr", "de")
    assert settings.strict_language is True
    assert settings.jobs == 4
    assert settings.sources == SourceSettings(
        roots=(tmp_path,), include=("**/*.txt",), exclude=("drafts",), encoding="latin-1"
    )
    assert settings.publish.formats == ("html", "tmx")
    assert (settings.publish.style, settings.publish.paper) == ("public", "letter")
    assert settings.publish.only_reviewed is True
    assert settings.publish.min_reviewed == 80.0
    assert settings.publish.index_language == "de"
    assert settings.memory == MemorySettings(enabled=False, exact="fuzzy", min_score=82.5)
    assert settings.engine == EngineSettings("cuda", 8, "en", "ray", False)


def test_dotted_keys_and_inline_tables_are_the_same_settings(tmp_path: Path) -> None:
    dotted = load_project_file(_project(tmp_path, 'engine.device = "cuda"\n'))
    inline = load_project_file(_project(tmp_path, 'engine = { device = "cuda" }\n'))
    assert dotted.engine.device == inline.engine.device == "cuda"


# -- problems, with their lines ------------------------------------------------------


def test_unknown_top_level_key_names_file_key_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, '# a comment\nsource_language = "en"\n\ntarget_langauges = ["fr"]\n')
    message = _error(path)
    assert message.startswith("pipeline.toml:4: target_langauges: unknown key")
    assert "did you mean target_languages?" in message


def test_unknown_key_inside_a_table_after_multiline_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(
        tmp_path,
        "target_languages = [\n"  # 1
        '  "fr",  # devise = "x" is a comment, not a key\n'  # 2
        '  "de",\n'  # 3
        "]\n"  # 4
        "[sources]\n"  # 5
        'include = """\n'  # 6: a multi-line string that looks like keys
        "devise = 1\n"  # 7
        '[engine]"""\n'  # 8
        "\n"  # 9
        "[engine]\n"  # 10
        'device = "cpu"\n'  # 11
        '  devise = "cuda"\n',  # 12
    )
    message = _error(path)
    assert "pipeline.toml:12: engine.devise: unknown key (did you mean engine.device?)" in message
    assert "pipeline.toml:7" not in message and "pipeline.toml:2" not in message


def test_unknown_dotted_key_and_unknown_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, 'jobs = 1\nengine.gpus = 2\n\n[engin]\ndevice = "cpu"\n')
    message = _error(path)
    assert "pipeline.toml:2: engine.gpus: unknown key" in message
    assert "pipeline.toml:4: engin: unknown key (did you mean engine?)" in message
    assert message.index(":2:") < message.index(":4:")  # one error, problems in file order


def test_bad_value_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(
        tmp_path,
        "jobs = true\n"  # 1
        "strict_language = 1\n"  # 2
        "[sources]\n"  # 3
        "roots = 3\n"  # 4
        'exclude = ["../outside"]\n'  # 5
        'encoding = "klingon-8"\n'  # 6
        "[publish]\n"  # 7
        'formats = ["html", "pdff"]\n'  # 8
        "min_reviewed = 101\n"  # 9
        "[memory]\n"  # 10
        'exact = "always"\n'  # 11
        "[engine]\n"  # 12
        'threads = "four"\n'  # 13
        'device = "tpu"\n',  # 14
    )
    message = _error(path)
    expected = [
        "pipeline.toml:1: jobs: expected a whole number ≥ 0, got true",
        "pipeline.toml:2: strict_language: expected true or false, got 1",
        "pipeline.toml:4: sources.roots: expected a list of strings, got 3",
        'pipeline.toml:5: sources.exclude: "../outside": expected a pattern relative',
        'pipeline.toml:6: sources.encoding: unknown text encoding "klingon-8"',
        'pipeline.toml:8: publish.formats: got ["pdff"]; valid formats: txt, md',
        "pipeline.toml:9: publish.min_reviewed: expected a number from 0 to 100, got 101",
        'pipeline.toml:11: memory.exact: expected "translate" or "fuzzy", got "always"',
        'pipeline.toml:13: engine.threads: expected a whole number ≥ 0, got "four"',
        'pipeline.toml:14: engine.device: expected "cpu" or "cuda", got "tpu"',
    ]
    for part in expected:
        assert part in message
    assert message.count("pipeline.toml:") == len(expected)
    assert "\n" not in message


def test_a_table_given_a_plain_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    message = _error(_project(tmp_path, '\nengine = "cuda"\n'))
    assert message == 'pipeline.toml:2: engine: expected a table of settings ([engine]), got "cuda"'


def test_invalid_toml_gives_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    message = _error(_project(tmp_path, 'jobs = 1\n[engine]\ndevice = "cpu\n'))
    assert message.startswith("pipeline.toml:3: invalid TOML: ")
    assert "(at line" not in message
    (tmp_path / PROJECT_FILE_NAME).write_bytes(b'source_language = "fr\xe9"\n')
    assert "not UTF-8 text" in _error(tmp_path / PROJECT_FILE_NAME)


# -- language codes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-FR", "fr_FR"),
        ("fr_fr", "fr_FR"),
        ("pt-br", "pt_BR"),
        ("zh-hant-tw", "zh_Hant_TW"),
        ("zh_TW", "zh_TW"),  # not Babel's alias zh_Hant_TW
        (" de ", "de"),
    ],
)
def test_language_codes_take_one_spelling(written: str, canonical: str) -> None:
    assert normalize_language(written) == canonical


@pytest.mark.parametrize("code", ["xx", "", "auto", "und", "en@euro", "french"])
def test_unknown_language_codes(code: str) -> None:
    with pytest.raises(ValueError, match="unknown language code"):
        normalize_language(code)


def test_languages_in_the_file_are_normalised_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, 'source_language = "EN"\ntarget_languages = ["FR", "fr", "pt-br"]\n')
    settings = load_project_file(path)
    assert settings.source_language == "en"
    assert settings.target_languages == ("fr", "pt_BR")  # FR and fr are one language

    path = _project(
        tmp_path,
        'source_language = "fr"\ntarget_languages = [\n  "de",\n  "FR",\n]\n[engine]\n'
        'pivot = "klingon"\n',
    )
    message = _error(path)
    assert 'pipeline.toml:2: target_languages: "fr" is the same as the source language' in message
    assert "pipeline.toml:7: engine.pivot: unknown language code 'klingon'" in message


# -- writing -----------------------------------------------------------------------


def test_the_written_example_reads_back_as_the_defaults(tmp_path: Path) -> None:
    path = write_project_file(tmp_path / PROJECT_FILE_NAME)
    assert load_project_file(path) == ProjectSettings().resolved(tmp_path)


def test_written_settings_read_back_unchanged(tmp_path: Path) -> None:
    settings = dataclasses.replace(
        ProjectSettings().resolved(tmp_path),
        source_language="auto",
        target_languages=("fr", "de"),
        translations_dir=tmp_path / "po",
        output_dir=tmp_path.parent / "site",
        sources=SourceSettings(roots=(tmp_path / "speeches",), exclude=("drafts",)),
        engine=EngineSettings(pivot="en", threads=2),
        memory=MemorySettings(min_score=80.5),
    )
    text = render_project_file(settings)
    assert 'translations_dir = "po"' in text  # written relative: the project stays movable
    assert 'output_dir = "../site"' in text
    path = write_project_file(tmp_path / PROJECT_FILE_NAME, settings)
    assert load_project_file(path) == settings


def test_the_example_documents_every_key(tmp_path: Path) -> None:
    text = render_project_file()
    assert text.startswith("# pipeline.toml:")
    lines = text.splitlines()
    for key in KEYS:
        written = [
            i for i, line in enumerate(lines) if line.lstrip("# ").startswith(f"{key.attribute} =")
        ]
        assert written, key.name
        assert lines[written[0] - 1].startswith("# "), f"{key.name} has no comment above it"
    uncommented = text.replace("# index_language =", "index_language =")
    example = tomllib.loads(uncommented.replace("# pivot =", "pivot ="))
    assert example["engine"]["pivot"] == "en"  # commented-out examples are valid TOML too
    assert example["publish"]["index_language"] == "fr"


def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, "# mine\n")
    with pytest.raises(UserError, match="pipeline.toml: already exists"):
        write_project_file(path)
    assert path.read_text() == "# mine\n"
    assert [p.name for p in tmp_path.iterdir()] == [PROJECT_FILE_NAME]  # no temporary left


# -- the line scanner on its own ------------------------------------------------------


def test_key_lines_skip_strings_comments_and_arrays() -> None:
    text = (
        "a = 'lit # not a comment'\n"  # 1
        'b = """\n'  # 2
        'c = "inside"\n'  # 3
        '\\""" not the end\n'  # 4
        '"""\n'  # 5
        "d = [[1, 2], [\n"  # 6
        "  3]]  # e = 1\n"  # 7
        '"quoted.key" . x = 1\n'  # 8
        "[ t . 'u' ]\n"  # 9
        "v = { w = 1, y = { z = 2 } }\n"  # 10
        "[[arr]]\n"  # 11
        "k = 1979-05-27 07:32:00Z\n"  # 12
    )
    tomllib.loads(text)  # the scanner's input is valid TOML
    lines = key_lines(text)
    assert lines[("a",)] == 1
    assert lines[("b",)] == 2
    assert ("c",) not in lines and ("e",) not in lines
    assert lines[("d",)] == 6
    assert lines[("quoted.key", "x")] == 8
    assert lines[("t", "u")] == 9
    assert lines[("t", "u", "v", "y", "z")] == 10
    assert lines[("arr", "k")] == 12


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab=.\"'#[]{},\n \\x1")), max_size=60))
def test_key_lines_always_ends_on_any_text(text: str) -> None:
    assert isinstance(key_lines(text), dict)  # never loops, never raises


def test_settings_written_elsewhere_keep_pointing_at_the_same_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_project_file(
        tmp_path / "a" / PROJECT_FILE_NAME,
        dataclasses.replace(ProjectSettings(), translations_dir=Path("po")),
    )
    settings = load_project_file(first)
    assert settings.translations_dir == tmp_path / "a" / "po"
    copy = write_project_file(tmp_path / "b" / PROJECT_FILE_NAME, settings)
    assert 'translations_dir = "../a/po"' in copy.read_text()
    assert load_project_file(copy).translations_dir == tmp_path / "a" / "po"


def test_command_line_values_are_checked_like_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_project_file(_project(tmp_path, 'target_languages = ["de"]\n'))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    changed = with_values(
        settings,
        {"target_languages": ["FR", "fr-CA"], "engine.device": "cuda", "output_dir": "site"},
    )
    assert changed.target_languages == ("fr", "fr_CA")
    assert changed.engine == dataclasses.replace(settings.engine, device="cuda")
    assert changed.output_dir == work / "site"  # relative to where the command runs
    assert changed.translations_dir == settings.translations_dir
    assert changed.root == settings.root == tmp_path
    with pytest.raises(UserError) as caught:
        with_values(settings, {"engine.device": "tpu", "target_languages": ["en"], "gpu": 1})
    assert str(caught.value) == (
        'command line: engine.device: expected "cpu" or "cuda", got "tpu"; '
        "command line: gpu: unknown key; "
        'command line: target_languages: "en" is the same as the source language'
    )
    assert with_values(ProjectSettings(), {"output_dir": "site"}).output_dir == Path("site")
