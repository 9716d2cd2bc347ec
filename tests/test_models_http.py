"""The online side of the model store over real HTTP on 127.0.0.1.

A stdlib ``http.server`` in a thread (random free port) serves an Argos-format
``index.json`` and real ``.argosmodel`` files from pipeline.testing; routes can
fail, truncate, hang or redirect. ``ARGOS_PACKAGE_INDEX`` points at it and
``ARGOS_PACKAGES_DIR`` at tmp_path. Timeouts and back-off are set small so the
whole file runs in seconds.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import models as cli_models
from pipeline.errors import UserError
from pipeline.mt import models

SENTENCE = "The peace process is fragile."
Route = Callable[[BaseHTTPRequestHandler, int], None]


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(root))
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIPELINE_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("PIPELINE_HTTP_TRIES", "3")
    for name in ("PIPELINE_MAX_PACKAGE_BYTES", "PIPELINE_MAX_PACKAGE_RATIO"):
        monkeypatch.delenv(name, raising=False)
    return root


class Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    hits: dict[str, int]
    stop: threading.Event

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        hits = self.server.hits
        hits[self.path] = hits.get(self.path, 0) + 1
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self, hits[self.path])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    srv = Server(("127.0.0.1", 0), Handler)
    srv.routes, srv.hits, srv.stop = {}, {}, threading.Event()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", srv.base + "/")
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()


# --- routes ----------------------------------------------------------------------------


def ok(data: bytes, content_type: str = "application/octet-stream") -> Route:
    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return route


def fail_first(failures: int, status: int, then: Route) -> Route:
    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        if hit <= failures:
            h.send_error(status)
        else:
            then(h, hit)

    return route


def truncated(data: bytes) -> Route:
    """Declare the full length, send half, close the connection."""
    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])
        h.close_connection = True

    return route


def hang(stop: threading.Event) -> Route:
    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        stop.wait(30)

    return route


def redirect(location: str) -> Route:
    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def entry(package: Path, links: list[str], **extra: object) -> dict:
    """An index entry (Argos format) for a package file."""
    with zipfile.ZipFile(package) as zf:
        top = zf.namelist()[0].split("/")[0]
        meta = json.loads(zf.read(f"{top}/metadata.json"))
    return {**meta, "links": links, **extra}


def publish(server: Server, *packages: Path, checksum: bool = False, size: bool = False,
            ) -> list[dict]:
    """Serve the packages under /pkg/ and an index.json listing them."""
    entries = []
    for package in packages:
        path = f"/pkg/{package.name}"
        data = package.read_bytes()
        server.routes[path] = ok(data)
        extra: dict[str, object] = {}
        if checksum:
            extra["sha256"] = hashlib.sha256(data).hexdigest()
        if size:
            extra["size"] = len(data)
        entries.append(entry(package, [server.url(path)], **extra))
    serve_index(server, entries)
    return entries


def serve_index(server: Server, entries: list[dict]) -> None:
    server.routes["/index.json"] = ok(json.dumps(entries).encode(), "application/json")


def store_entries(root: Path) -> list[str]:
    """Names in the packages dir, the lock file aside: no partial directories or files."""
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.name != ".lock")


# --- the index -------------------------------------------------------------------------


def test_available_models_lists_and_filters(server: Server, package_file) -> None:
    publish(server, package_file("en", "fr"), package_file("en", "de"), package_file("de", "en"),
            size=True)
    found = models.available_models()
    assert [(m.from_code, m.to_code, m.version) for m in found] == [
        ("de", "en", "1.0"), ("en", "de", "1.0"), ("en", "fr", "1.0")]
    assert found[2].size == package_file("en", "fr").stat().st_size
    assert found[2].links == [server.url(f"/pkg/{package_file().name}")]
    assert [m.pair for m in models.available_models(from_code="en")] == ["en→de", "en→fr"]
    assert [m.pair for m in models.available_models(to_code="en")] == ["de→en"]


def test_index_entries_that_are_not_translation_packages_are_skipped(server: Server) -> None:
    serve_index(server, [
        {"type": "sbd", "from_code": "en", "package_version": "1.0", "links": []},
        {"from_code": "en", "to_code": "../../x", "package_version": "1.0", "links": []},
        "junk",
        {"from_code": "en", "to_code": "it", "package_version": "1.2", "links": ["https://a/b"],
         "checksum": "SHA256:" + "AB" * 32},
    ])
    (only,) = models.available_models()
    assert (only.pair, only.version, only.checksum) == ("en→it", "1.2", "sha256:" + "ab" * 32)


def test_index_is_cached_with_its_fetch_time_and_refresh_refetches(
    server: Server, package_file, tmp_path: Path
) -> None:
    publish(server, package_file())
    first = models.load_index()
    assert not first.from_cache
    second = models.load_index()
    assert second.from_cache and second.fetched_at == first.fetched_at
    assert server.hits["/index.json"] == 1
    models.load_index(refresh=True)
    assert server.hits["/index.json"] == 2
    (cache_file,) = (tmp_path / "cache").rglob("*.json")
    cached = json.loads(cache_file.read_text())
    assert cached["url"] == server.url("/index.json")
    assert abs(cached["fetched_at"] - time.time()) < 3600


def test_stale_cache_is_refetched_and_used_when_offline(
    server: Server, package_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(server, package_file())
    models.load_index()
    (cache_file,) = (tmp_path / "cache").rglob("*.json")
    cached = json.loads(cache_file.read_text())
    cached["fetched_at"] -= models.INDEX_MAX_AGE_S + 1
    cache_file.write_text(json.dumps(cached))
    models.load_index()
    assert server.hits["/index.json"] == 2  # stale: refetched
    cached["fetched_at"] -= 1
    cache_file.write_text(json.dumps(cached))
    server.routes["/index.json"] = fail_first(99, 503, ok(b"[]"))
    monkeypatch.setenv("PIPELINE_HTTP_TRIES", "1")
    index = models.load_index()  # server down: the stale copy keeps us working
    assert index.from_cache and [m.pair for m in index.models] == ["en→fr"]
    with pytest.raises(UserError, match="HTTP 503"):
        models.load_index(refresh=True)


def test_index_that_is_not_json_is_a_user_error(server: Server) -> None:
    server.routes["/index.json"] = ok(b"<html>oops</html>", "text/html")
    with pytest.raises(UserError, match="index.json: the index is not valid JSON"):
        models.available_models()
    server.routes["/index.json"] = ok(b'{"not": "a list"}')
    with pytest.raises(UserError, match="not an Argos package index"):
        models.available_models(refresh=True)


# --- URL policy ------------------------------------------------------------------------


def test_plain_http_index_is_refused_unless_insecure(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    free = socket.socket()
    free.bind(("127.0.0.2", 0))  # loopback, but not an allowed test host; nothing listens
    port = free.getsockname()[1]
    free.close()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", f"http://127.0.0.2:{port}/")
    monkeypatch.setenv("PIPELINE_HTTP_TRIES", "1")
    with pytest.raises(UserError, match="refusing index URL .*only https.*--insecure"):
        models.available_models()
    with pytest.raises(UserError, match="download failed after 1 tries.*refused"):
        models.available_models(insecure=True)  # allowed: fails only for lack of a server
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "file:///etc/")
    with pytest.raises(UserError, match="refusing index URL file:///etc/index.json"):
        models.available_models(insecure=True)


def test_https_and_local_urls_are_allowed() -> None:
    models.check_url("https://example.org/index.json")
    models.check_url("http://localhost:8000/index.json")
    models.check_url("http://127.0.0.1/index.json")
    with pytest.raises(UserError):
        models.check_url("http://example.org/index.json")
    models.check_url("http://example.org/index.json", insecure=True)


def test_plain_http_package_link_is_refused(server: Server, package_file, store: Path) -> None:
    serve_index(server, [entry(package_file(), ["http://example.invalid/en_fr.argosmodel"])])
    with pytest.raises(UserError, match="refusing download URL http://example.invalid"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_redirect_to_plain_http_is_refused(server: Server, package_file, store: Path) -> None:
    server.routes["/pkg/moved"] = redirect("http://example.invalid/en_fr.argosmodel")
    serve_index(server, [entry(package_file(), [server.url("/pkg/moved")])])
    with pytest.raises(UserError, match="refusing redirect URL http://example.invalid"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_local_redirect_and_non_http_links(server: Server, package_file) -> None:
    server.routes["/pkg/real.argosmodel"] = ok(package_file().read_bytes())
    server.routes["/pkg/moved"] = redirect(server.url("/pkg/real.argosmodel"))
    serve_index(server, [entry(package_file(), ["ipfs://Qm123", server.url("/pkg/moved")])])
    assert models.install_from_index("en", "fr").version == "1.0"


# --- installing from the index ---------------------------------------------------------


def test_install_from_index_with_progress(server: Server, package_file, store: Path) -> None:
    publish(server, package_file(), checksum=True)
    calls: list[tuple[int, int | None]] = []
    model = models.install_from_index("en", "fr", progress=lambda d, t: calls.append((d, t)))
    size = package_file().stat().st_size
    assert model.label == "argos en→fr 1.0"
    assert calls[0] == (0, size) and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) > 2
    assert store_entries(store) == ["translate-en_fr-1_0"]  # no download left behind


def test_already_installed_and_current_downloads_nothing(server: Server, package_file) -> None:
    publish(server, package_file())
    first = models.install_from_index("en", "fr")
    path = f"/pkg/{package_file().name}"
    assert server.hits[path] == 1
    again = models.install_from_index("en", "fr")
    assert again == first
    assert server.hits[path] == 1


def test_update_installs_the_newer_version(server: Server, package_file, store: Path) -> None:
    publish(server, package_file(version="1.0"))
    old = models.install_from_index("en", "fr")
    assert models.update_models() == []
    publish(server, package_file(version="1.0"), package_file(version="1.1"))
    updated = models.update_models()
    assert [m.label for m in updated] == ["argos en→fr 1.1"]
    assert not old.path.exists()
    assert store_entries(store) == ["translate-en_fr-1_1"]
    assert models.outdated_models() == []


def test_install_from_index_missing_pair(server: Server, package_file) -> None:
    publish(server, package_file())
    with pytest.raises(UserError, match="has no en→xx package"):
        models.install_from_index("en", "xx")


def test_install_refetches_a_cached_index_that_lacks_the_pair(server: Server, package_file,
                                                              ) -> None:
    publish(server, package_file("en", "fr"))
    models.available_models()
    publish(server, package_file("en", "fr"), package_file("en", "de"))
    assert models.install_from_index("en", "de").pair == "en→de"


def test_server_500_then_200_is_retried(server: Server, package_file) -> None:
    entries = publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = fail_first(1, 500, server.routes[path])
    assert entries[0]["links"] == [server.url(path)]
    assert models.install_from_index("en", "fr").version == "1.0"
    assert server.hits[path] == 2


def test_404_is_not_retried(server: Server, package_file, store: Path) -> None:
    serve_index(server, [entry(package_file(), [server.url("/pkg/missing.argosmodel")])])
    with pytest.raises(UserError, match=r"missing.argosmodel: HTTP 404"):
        models.install_from_index("en", "fr")
    assert server.hits["/pkg/missing.argosmodel"] == 1
    assert store_entries(store) == []


def test_persistent_500_fails_with_url_and_reason(server: Server, package_file,
                                                  store: Path) -> None:
    publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = fail_first(99, 502, ok(b""))
    with pytest.raises(UserError) as caught:
        models.install_from_index("en", "fr")
    assert str(caught.value).startswith(f"download failed after 3 tries: {server.url(path)}")
    assert "HTTP 502" in str(caught.value)
    assert server.hits[path] == 3
    assert store_entries(store) == []


def test_truncated_download_is_refused(server: Server, package_file, store: Path) -> None:
    publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = truncated(package_file().read_bytes())
    with pytest.raises(UserError, match=r"truncated: got \d+ of \d+ bytes"):
        models.install_from_index("en", "fr")
    assert server.hits[path] == 3
    assert store_entries(store) == []


def test_server_that_never_answers_times_out(server: Server, package_file, store: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("PIPELINE_HTTP_TRIES", "2")
    publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = hang(server.stop)
    with pytest.raises(UserError, match="download failed after 2 tries: .*timed out"):
        models.install_from_index("en", "fr")
    assert server.hits[path] == 2
    assert store_entries(store) == []


def test_download_that_is_not_a_zip(server: Server, package_file, store: Path) -> None:
    publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = ok(b"<html>Not a package</html>")
    with pytest.raises(UserError, match=f"{server.url(path)}: not a valid .argosmodel zip"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_download_with_the_wrong_pair(server: Server, package_file, store: Path) -> None:
    serve_index(server, [entry(package_file("en", "fr"), [server.url("/pkg/x.argosmodel")])])
    server.routes["/pkg/x.argosmodel"] = ok(package_file("en", "de").read_bytes())
    with pytest.raises(UserError, match="package is for en→de, expected en→fr"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_checksum_mismatch_is_refused(server: Server, package_file, store: Path) -> None:
    link = server.url("/pkg/x.argosmodel")
    serve_index(server, [entry(package_file(), [link], sha256="0" * 64)])
    server.routes["/pkg/x.argosmodel"] = ok(package_file().read_bytes())
    with pytest.raises(UserError, match=f"{link}: sha256 checksum mismatch"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_size_mismatch_is_refused(server: Server, package_file, store: Path) -> None:
    link = server.url("/pkg/x.argosmodel")
    serve_index(server, [entry(package_file(), [link], size=123)])
    server.routes["/pkg/x.argosmodel"] = ok(package_file().read_bytes())
    with pytest.raises(UserError, match="the index says 123"):
        models.install_from_index("en", "fr")
    assert store_entries(store) == []


def test_second_link_is_used_when_the_first_fails(server: Server, package_file) -> None:
    links = [server.url("/pkg/gone.argosmodel"), server.url("/pkg/ok.argosmodel")]
    serve_index(server, [entry(package_file(), links)])
    server.routes["/pkg/ok.argosmodel"] = ok(package_file().read_bytes())
    assert models.install_from_index("en", "fr").version == "1.0"


# --- offer_install (for `pipeline run`) ----------------------------------------------


def test_offer_install_with_yes_installs(server: Server, package_file) -> None:
    publish(server, package_file())
    model = cli_models.offer_install("en", "fr", assume_yes=True, interactive=False)
    assert model is not None and models.find_model("en", "fr") == model


def test_offer_install_non_interactive_never_prompts(
    server: Server, package_file, store: Path, capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish(server, package_file())

    def no_prompt(*args: object, **kwargs: object) -> bool:
        raise AssertionError("prompted in a non-interactive run")

    monkeypatch.setattr(cli_models.typer, "confirm", no_prompt)
    assert cli_models.offer_install("en", "fr", assume_yes=False, interactive=False) is None
    assert "pass --yes to install it" in capsys.readouterr().err
    assert store_entries(store) == []


def test_offer_install_interactive_asks(server: Server, package_file,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    publish(server, package_file())
    answers = iter([False, True])
    monkeypatch.setattr(cli_models.typer, "confirm", lambda *a, **k: next(answers))
    assert cli_models.offer_install("en", "fr", assume_yes=False, interactive=True) is None
    assert models.find_model("en", "fr") is None
    model = cli_models.offer_install("en", "fr", assume_yes=False, interactive=True)
    assert model is not None and model.version == "1.0"


def test_offer_install_index_unreachable_or_pair_missing(server: Server, package_file) -> None:
    server.routes["/index.json"] = fail_first(99, 503, ok(b"[]"))
    assert cli_models.offer_install("en", "fr", assume_yes=True, interactive=False) is None
    assert server.hits["/index.json"] == 1  # one quick probe, no retries
    publish(server, package_file("en", "de"))
    assert cli_models.offer_install("en", "fr", assume_yes=True, interactive=False) is None


# --- CLI over HTTP ---------------------------------------------------------------------

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli_models.app, list(args))


def test_cli_install_already_installed_update_remove(server: Server, package_file) -> None:
    publish(server, package_file(version="1.0"), size=True)
    result = invoke("install", "en", "fr")
    assert result.exit_code == 0, result.output
    assert "installed argos en→fr 1.0 in" in result.stdout
    result = invoke("install", "en", "fr")
    assert result.exit_code == 0
    assert "argos en→fr 1.0 is already installed and current" in result.stdout
    assert invoke("update").stdout.strip() == "all installed models are up to date"
    publish(server, package_file(version="1.1"))
    result = invoke("update", "en", "fr")
    assert result.exit_code == 0, result.output
    assert "updated en→fr: 1.0 → 1.1" in result.stdout
    assert invoke("remove", "en", "fr").exit_code == 0


def test_cli_available(server: Server, package_file) -> None:
    publish(server, package_file("en", "fr"), package_file("en", "de"), size=True)
    invoke("install", "en", "de")
    rows = json.loads(invoke("available", "--json").stdout)
    assert [(r["from"], r["to"], r["version"], r["installed"]) for r in rows] == [
        ("en", "de", "1.0", "1.0"), ("en", "fr", "1.0", None)]
    assert rows[1]["size"] == package_file().stat().st_size
    result = invoke("available", "--to", "fr", "--refresh")
    assert result.exit_code == 0
    assert "en→fr" in result.stdout and "en→de" not in result.stdout
    assert "MB" in result.stdout
    assert f"index {server.url('/index.json')} fetched" in result.stderr
    assert "(cached)" in invoke("available").stderr
    assert invoke("available", "--from", "xx").stdout == "no package in the index matches\n"


def test_cli_download_failure_exits_1_with_url(server: Server, package_file,
                                               store: Path) -> None:
    publish(server, package_file())
    path = f"/pkg/{package_file().name}"
    server.routes[path] = fail_first(99, 500, ok(b""))
    result = invoke("install", "en", "fr")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: download failed after 3 tries: {server.url(path)}")
    assert result.stderr.count("\n") == 1
    assert store_entries(store) == []


def test_cli_insecure_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://example.invalid/")
    result = invoke("available")
    assert result.exit_code == 1
    assert "--insecure" in result.stderr
