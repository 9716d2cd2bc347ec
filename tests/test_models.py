"""The model store (pipeline.mt.models) and its CLI (pipeline.cli.models), offline part.

Real packages come from pipeline.testing.build_test_package; hostile ones are
rebuilt from a real package with one member added, dropped or rewritten, so
that each refusal is caused by exactly that change. The HTTP side (index,
downloads, retries) is in test_models_http.py.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import models as cli_models
from pipeline.errors import UserError
from pipeline.mt import models
from pipeline.testing import word_by_word

SENTENCE = "The peace process is fragile."
TOP = "translate-en_fr-1_0"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty packages dir and cache in tmp_path; the index points at a closed port."""
    root = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(root))
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    monkeypatch.setenv("PIPELINE_HTTP_BACKOFF", "0")
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT", "2")
    for name in ("PIPELINE_HTTP_TRIES", "PIPELINE_MAX_PACKAGE_BYTES", "PIPELINE_MAX_PACKAGE_RATIO"):
        monkeypatch.delenv(name, raising=False)
    return root


def store_entries(root: Path) -> list[str]:
    """Names in the packages dir, the lock file aside."""
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.name != ".lock")


def rebuild(
    src: Path,
    dest: Path,
    *,
    drop: tuple[str, ...] = (),
    rewrite: dict[str, bytes] | None = None,
    extra: tuple[tuple[str, bytes, int], ...] = (),
) -> Path:
    """Copy the package zip ``src`` to ``dest`` with members dropped/rewritten/added.

    Names in ``drop``/``rewrite`` are relative to the top directory; ``extra``
    holds (full member name, data, unix mode incl. file type).
    """
    rewrite = rewrite or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        for info in zin.infolist():
            rel = info.filename.split("/", 1)[1]
            if rel in drop:
                continue
            zout.writestr(info, rewrite.get(rel, zin.read(info)))
        for name, data, mode in extra:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            zout.writestr(info, data)
    return dest


# --- installing a real package -------------------------------------------------------


def test_install_file_installs_a_working_package(store: Path, package_file) -> None:
    model = models.install_file(package_file())
    assert (model.from_code, model.to_code, model.version) == ("en", "fr", "1.0")
    assert model.label == "argos en→fr 1.0"
    assert model.path == store / TOP
    assert (model.model_dir / "model.bin").is_file()
    assert models.installed_models() == [model]
    assert models.find_model("en", "fr") == model
    assert models.find_model("EN", "fr") == model
    assert models.find_model("fr", "en") is None
    assert store_entries(store) == [TOP]
    assert oct(model.path.stat().st_mode & 0o077) != "0o0"  # not left 0700 by mkdtemp


def test_installed_package_translates_like_the_builder_says(package_file) -> None:
    import ctranslate2

    model = models.install_file(package_file())
    tokenizer = model.tokenizer()
    translator = ctranslate2.Translator(str(model.model_dir))
    result = translator.translate_batch([tokenizer.encode(SENTENCE)], beam_size=4)
    assert tokenizer.decode(result[0].hypotheses[0]) == word_by_word(SENTENCE)


def test_argostranslate_sees_the_installed_package(store: Path, package_file) -> None:
    from argostranslate.package import get_installed_packages

    models.install_file(package_file())
    found = get_installed_packages(path=[store])
    assert [(p.from_code, p.to_code, p.package_version) for p in found] == [("en", "fr", "1.0")]


def test_newer_file_replaces_the_older_version(store: Path, package_file) -> None:
    old = models.install_file(package_file(version="1.0"))
    new = models.install_file(package_file(version="1.1"))
    assert new.version == "1.1"
    assert not old.path.exists()
    assert store_entries(store) == ["translate-en_fr-1_1"]
    assert models.find_model("en", "fr") == new


def test_reinstalling_the_same_version_keeps_one_directory(store: Path, package_file) -> None:
    first = models.install_file(package_file())
    (first.path / "marker").write_text("old copy")
    second = models.install_file(package_file())
    assert second == first
    assert not (second.path / "marker").exists()
    assert store_entries(store) == [TOP]


def test_leftovers_of_an_interrupted_install_are_cleaned(store: Path, package_file) -> None:
    (store / ".install-crashed" / "model").mkdir(parents=True)
    (store / ".old-abc").mkdir()
    models.install_file(package_file())
    assert store_entries(store) == [TOP]


def test_installed_models_skips_broken_and_hidden_dirs(store: Path, package_file) -> None:
    models.install_file(package_file())
    (store / "not-a-package").mkdir()
    (store / "sbd").mkdir()
    (store / "sbd" / "metadata.json").write_text('{"type": "sbd", "package_version": "1.0"}')
    (store / "stray-file.txt").write_text("x")
    assert [m.label for m in models.installed_models()] == ["argos en→fr 1.0"]


def test_several_versions_installed_by_hand_newest_wins(store: Path, package_file) -> None:
    models.install_file(package_file(version="1.1"))
    with zipfile.ZipFile(package_file(version="1.0")) as zf:
        zf.extractall(store)  # as argospm would have installed it, beside ours
    assert [m.version for m in models.installed_models()] == ["1.0", "1.1"]
    assert models.find_model("en", "fr").version == "1.1"


def test_remove_model(store: Path, package_file) -> None:
    installed = models.install_file(package_file())
    removed = models.remove_model("en", "fr")
    assert removed == installed
    assert not installed.path.exists()
    assert models.installed_models() == []
    assert store_entries(store) == []
    with pytest.raises(UserError, match="no en→fr model is installed"):
        models.remove_model("en", "fr")


def test_require_model_names_the_pair_and_both_ways_to_install(store: Path) -> None:
    with pytest.raises(UserError) as caught:
        models.require_model("en", "fr")
    message = str(caught.value)
    assert "en→fr" in message
    assert "pipeline models install en fr" in message
    assert "pipeline models install --file X.argosmodel" in message
    assert "\n" not in message


def test_pivot_candidates_and_the_hint(package_file) -> None:
    models.install_file(package_file("en", "es"))
    assert models.pivot_candidates("en", "fr") == []
    models.install_file(package_file("es", "fr"))
    models.install_file(package_file("en", "de"))
    assert models.pivot_candidates("en", "fr") == ["es"]
    with pytest.raises(UserError, match="--pivot es"):
        models.require_model("en", "fr")


def test_settings_are_read_from_the_environment_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "elsewhere"))
    assert models.packages_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "https://mirror.example/argos")
    assert models.index_url() == "https://mirror.example/argos/index.json"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "https://mirror.example/argos/")
    assert models.index_url() == "https://mirror.example/argos/index.json"


def test_a_bad_numeric_setting_is_a_user_error(
    package_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPELINE_MAX_PACKAGE_BYTES", "lots")
    with pytest.raises(UserError, match="PIPELINE_MAX_PACKAGE_BYTES"):
        models.install_file(package_file())


# --- refusing bad archives -----------------------------------------------------------

LINK = stat.S_IFLNK | 0o777
FILE = stat.S_IFREG | 0o644
FIFO = stat.S_IFIFO | 0o644

# (case, rebuild keyword arguments, message fragment); "{out}" is a path outside the store
BAD_ARCHIVES: list[tuple[str, dict, str]] = [
    ("no metadata", {"drop": ("metadata.json",)}, f"no {TOP}/metadata.json"),
    ("metadata not JSON", {"rewrite": {"metadata.json": b"{oops"}}, "not valid JSON"),
    ("metadata without to_code",
     {"rewrite": {"metadata.json": b'{"from_code": "en", "package_version": "1.0"}'}},
     "no valid to_code"),
    ("version with a trailing newline",
     {"rewrite": {"metadata.json": json.dumps(
         {"from_code": "en", "to_code": "fr", "package_version": "1.0\n"}).encode()}},
     "no valid package_version (got '1.0"),
    ("sentence splitter package",
     {"rewrite": {"metadata.json": b'{"type": "sbd", "package_version": "1.0"}'}},
     "not a translation package"),
    ("no model.bin", {"drop": ("model/model.bin",)}, "model/model.bin"),
    ("no tokenizer", {"drop": ("sentencepiece.model",)}, "no tokenizer"),
    ("corrupt tokenizer", {"rewrite": {"sentencepiece.model": b"garbage"}},
     "sentencepiece.model is not a valid model"),
    ("parent escape", {"extra": ((f"{TOP}/../../evil", b"pwned", FILE),)}, "escapes"),
    ("bare parent escape", {"extra": (("../evil", b"pwned", FILE),)}, "escapes"),
    ("absolute name", {"extra": (("{out}/abs-evil", b"pwned", FILE),)}, "absolute path"),
    ("windows absolute name", {"extra": (("C:/evil", b"pwned", FILE),)}, "absolute path"),
    ("backslashes", {"extra": ((f"{TOP}\\..\\..\\evil", b"pwned", FILE),)}, "odd characters"),
    ("symlink", {"extra": ((f"{TOP}/evil-link", b"/etc/passwd", LINK),)}, "symbolic link"),
    ("fifo", {"extra": ((f"{TOP}/evil-fifo", b"", FIFO),)}, "not a plain file"),
    ("second top dir", {"extra": (("other/evil", b"x", FILE),)}, "one top-level directory"),
    ("top-level file", {"extra": (("evil", b"x", FILE),)}, "outside the package directory"),
    ("duplicate member", {"extra": ((f"{TOP}/README.md", b"evil", FILE),)}, "appears twice"),
]


def assert_nothing_escaped(tmp_path: Path, store: Path) -> None:
    """No 'evil' file anywhere (outside or inside), nothing in the store."""
    leaked = [p for p in tmp_path.rglob("*evil*") if p.suffix != ".argosmodel"]
    assert leaked == []
    assert store_entries(store) == []


@pytest.mark.parametrize(("case", "change", "fragment"), BAD_ARCHIVES,
                         ids=[c[0] for c in BAD_ARCHIVES])
def test_bad_archives_are_refused_and_leave_nothing(
    case: str, change: dict, fragment: str, tmp_path: Path, store: Path, package_file
) -> None:
    out = tmp_path / "outside"
    out.mkdir()
    extra = tuple((n.replace("{out}", str(out)), d, m) for n, d, m in change.get("extra", ()))
    bad = rebuild(package_file(), tmp_path / "bad.argosmodel", **{**change, "extra": extra})
    with pytest.raises(UserError, match=fragment.replace("(", r"\(").replace(")", r"\)")) as e:
        models.install_file(bad)
    assert str(bad) in str(e.value)
    assert "\n" not in str(e.value)
    assert_nothing_escaped(tmp_path, store)
    assert list(out.iterdir()) == []


def test_escaping_member_names_are_stored_as_written(tmp_path: Path, package_file) -> None:
    """Guard for the test above: the hostile names really are in the archive."""
    bad = rebuild(package_file(), tmp_path / "bad.argosmodel",
                  extra=(("../evil", b"x", FILE), ("/abs/evil", b"x", FILE)))
    names = zipfile.ZipFile(bad).namelist()
    assert "../evil" in names and "/abs/evil" in names


@pytest.mark.parametrize(("content", "fragment"), [
    (b"this is not a zip file\n", "not a valid .argosmodel zip"),
    (b"", "not a valid .argosmodel zip"),
])
def test_a_file_that_is_not_a_zip_is_refused(
    content: bytes, fragment: str, tmp_path: Path, store: Path
) -> None:
    path = tmp_path / "x.argosmodel"
    path.write_bytes(content)
    with pytest.raises(UserError, match=fragment):
        models.install_file(path)
    assert store_entries(store) == []


def test_an_empty_zip_and_a_missing_file_are_refused(tmp_path: Path, store: Path) -> None:
    empty = tmp_path / "empty.argosmodel"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(UserError, match="empty"):
        models.install_file(empty)
    with pytest.raises(UserError, match="no such file"):
        models.install_file(tmp_path / "missing.argosmodel")
    with pytest.raises(UserError, match="not a file"):
        models.install_file(tmp_path)
    assert store_entries(store) == []


def test_wrong_pair_is_refused_when_a_pair_is_expected(store: Path, package_file) -> None:
    with pytest.raises(UserError, match="package is for en→de, expected en→fr"):
        models.install_file(package_file("en", "de"), expected_pair=("en", "fr"))
    assert store_entries(store) == []


def test_zip_bomb_with_a_huge_ratio_is_refused(tmp_path: Path, store: Path, package_file) -> None:
    bomb = rebuild(package_file(), tmp_path / "bomb.argosmodel")
    info = zipfile.ZipInfo(f"{TOP}/model/padding.bin", date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(bomb, "a") as zf, zf.open(info, "w") as member:
        zeros = bytes(1024**2)
        for _ in range(100):  # 100 MiB of zeros: about 100 kB compressed
            member.write(zeros)
    assert bomb.stat().st_size < package_file().stat().st_size + 1024**2
    with pytest.raises(UserError, match="padding.bin has compression ratio .* zip bomb"):
        models.install_file(bomb)
    assert store_entries(store) == []


def test_archive_over_the_size_limit_is_refused(
    store: Path, package_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPELINE_MAX_PACKAGE_BYTES", str(1024**2))
    with pytest.raises(UserError, match="over the 1048576-byte limit"):
        models.install_file(package_file())
    assert store_entries(store) == []


def _patch_headers(path: Path, member: str, field: str, value: int) -> None:
    """Rewrite a field of ``member``'s local and central headers (to make the archive lie)."""
    # field -> (local header offset, central header offset, width)
    offsets = {"flags": (6, 8, 2), "file_size": (22, 24, 4)}[field]
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset, name_offset in ((b"PK\x03\x04", offsets[0], 30),
                                           (b"PK\x01\x02", offsets[1], 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset:start + name_offset + len(name)] == name:
                width = offsets[2]
                data[start + offset:start + offset + width] = value.to_bytes(width, "little")
            start += 4
    path.write_bytes(bytes(data))


def test_member_bigger_than_it_declares_is_refused(
    tmp_path: Path, store: Path, package_file
) -> None:
    liar = rebuild(package_file(), tmp_path / "liar.argosmodel")
    _patch_headers(liar, f"{TOP}/model/model.bin", "file_size", 1000)
    assert zipfile.ZipFile(liar).getinfo(f"{TOP}/model/model.bin").file_size == 1000
    with pytest.raises(UserError, match="liar.argosmodel"):
        models.install_file(liar)
    assert store_entries(store) == []


def test_encrypted_member_is_refused(tmp_path: Path, store: Path, package_file) -> None:
    locked = rebuild(package_file(), tmp_path / "locked.argosmodel")
    _patch_headers(locked, f"{TOP}/README.md", "flags", 0x1)
    assert zipfile.ZipFile(locked).getinfo(f"{TOP}/README.md").flag_bits & 0x1
    with pytest.raises(UserError, match="encrypted"):
        models.install_file(locked)
    assert store_entries(store) == []


def test_failed_install_keeps_the_installed_version(
    tmp_path: Path, store: Path, package_file
) -> None:
    good = models.install_file(package_file(version="1.0"))
    before = sorted(p.relative_to(store) for p in good.path.rglob("*"))
    bad = rebuild(package_file(version="1.1"), tmp_path / "bad.argosmodel",
                  drop=("model/model.bin",))
    with pytest.raises(UserError):
        models.install_file(bad)
    assert models.find_model("en", "fr") == good
    assert sorted(p.relative_to(store) for p in good.path.rglob("*")) == before
    assert store_entries(store) == [TOP]


# --- installing a directory (air-gapped) -----------------------------------------------


def _copy(src: Path, dest_dir: Path) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    dest.write_bytes(src.read_bytes())
    return dest


def test_install_from_dir_installs_all_and_skips_current(tmp_path: Path, package_file) -> None:
    stick = tmp_path / "usb"
    _copy(package_file("en", "fr"), stick)
    _copy(package_file("en", "de"), stick)
    (stick / "notes.txt").write_text("not a package")
    seen = []
    installed = models.install_from_dir(stick, on_installed=seen.append)
    assert sorted(m.label for m in installed) == ["argos en→de 1.0", "argos en→fr 1.0"]
    assert seen == installed
    assert models.install_from_dir(stick) == []  # already current: skipped


def test_install_from_dir_never_downgrades(tmp_path: Path, package_file) -> None:
    models.install_file(package_file(version="1.1"))
    stick = tmp_path / "usb"
    _copy(package_file(version="1.0"), stick)
    assert models.install_from_dir(stick) == []
    assert models.find_model("en", "fr").version == "1.1"


def test_install_from_dir_installs_the_good_and_reports_the_bad(
    tmp_path: Path, store: Path, package_file
) -> None:
    stick = tmp_path / "usb"
    _copy(package_file("en", "de"), stick)
    (stick / "broken.argosmodel").write_bytes(b"not a zip")
    with pytest.raises(UserError, match=r"1 of 2 packages .* failed: .*broken.argosmodel"):
        models.install_from_dir(stick)
    assert [m.label for m in models.installed_models()] == ["argos en→de 1.0"]
    assert store_entries(store) == ["translate-en_de-1_0"]


def test_install_from_dir_without_packages(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no .argosmodel files"):
        models.install_from_dir(tmp_path)
    with pytest.raises(UserError, match="not a directory"):
        models.install_from_dir(tmp_path / "missing")


# --- CLI -------------------------------------------------------------------------------

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli_models.app, list(args))


def test_cli_list_empty_and_json(store: Path, package_file) -> None:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "No models installed" in invoke("list").stdout
    assert invoke("install", "--file", str(package_file())).exit_code == 0
    result = invoke("list", "--json")
    assert json.loads(result.stdout) == [
        {"from": "en", "to": "fr", "version": "1.0", "path": str(store / TOP)}
    ]
    table = invoke("list").stdout
    assert "en" in table and "fr" in table and "1.0" in table and TOP in table


def test_cli_install_file_and_remove(store: Path, package_file) -> None:
    result = invoke("install", "--file", str(package_file()))
    assert result.exit_code == 0, result.output
    assert f"installed argos en→fr 1.0 in {store / TOP}" in result.stdout
    result = invoke("remove", "en", "fr")
    assert result.exit_code == 0
    assert "removed argos en→fr 1.0" in result.stdout
    result = invoke("remove", "en", "fr")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no en→fr model is installed")


def test_cli_install_bad_file_exits_1_with_one_line(tmp_path: Path, store: Path) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("nope")
    result = invoke("install", "--file", str(bad))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {bad}: not a valid .argosmodel zip")
    assert result.stdout == ""
    assert store_entries(store) == []


def test_cli_install_from_dir(tmp_path: Path, package_file) -> None:
    stick = tmp_path / "usb"
    _copy(package_file("en", "de"), stick)
    result = invoke("install", "--from-dir", str(stick))
    assert result.exit_code == 0
    assert "installed argos en→de 1.0" in result.stdout
    result = invoke("install", "--from-dir", str(stick))
    assert result.exit_code == 0
    assert "already installed" in result.stdout


@pytest.mark.parametrize("args", [
    (), ("en",), ("en", "fr", "--file", "x.argosmodel"), ("--file", "a", "--from-dir", "b"),
])
def test_cli_install_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = invoke("install", *args)
    assert result.exit_code == 2


def test_cli_update_usage_and_nothing_installed() -> None:
    assert invoke("update", "en").exit_code == 2
    result = invoke("update")
    assert result.exit_code == 0
    assert "up to date" in result.stdout
    result = invoke("update", "en", "fr")
    assert result.exit_code == 1
    assert "no en→fr model is installed" in result.stderr


def test_cli_runs_as_a_program(store: Path, package_file) -> None:
    """The sub-app works outside CliRunner too (real argv, real exit codes)."""
    code = "from pipeline.cli.models import app; app()"
    env = {**os.environ}
    done = subprocess.run([sys.executable, "-c", code, "install", "--file", str(package_file())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-c", code, "list", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert [row["version"] for row in json.loads(done.stdout)] == ["1.0"]


def test_download_bar_draws_bytes_when_enabled() -> None:
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    bar = cli_models.DownloadBar("en→fr", True, Console(file=out, force_terminal=True, width=100))
    bar(0, 2048)
    bar(2048, 2048)
    bar.close()
    assert "en→fr" in out.getvalue() and "2.0/2.0 kB" in out.getvalue()
    silent = StringIO()
    off = cli_models.DownloadBar("x", False, Console(file=silent, force_terminal=True))
    off(1, 2)
    off.close()
    assert silent.getvalue() == ""
