"""HTTP for the model index and downloads: https only (or loopback), retries, size limits.

Transient failures (timeouts, connection resets, 5xx) are retried with
exponential back-off; a body larger than allowed is refused while it streams.
"""

from __future__ import annotations

import logging
import time
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.errors import UserError
from pipeline.mt.models.archive import CHUNK
from pipeline.mt.models.package import ProgressCallback
from pipeline.mt.models.settings import http_backoff, http_timeout, http_tries

if TYPE_CHECKING:
    import urllib.request

log = logging.getLogger(__name__)

USER_AGENT = "transcript-pipeline (Argos Translate package client)"


_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def check_url(url: str, insecure: bool = False, what: str = "index") -> None:
    """Allow https, and plain http only to this machine or with ``insecure``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and (insecure or (parts.hostname or "") in _LOCAL_HOSTS):
        return
    raise UserError(
        f"refusing {what} URL {url}: only https (or http://127.0.0.1 / localhost) is allowed"
        + ("; pass --insecure to allow plain http" if scheme == "http" else "")
    )


class _Transient(Exception):
    """A failure worth retrying (5xx, connection trouble, timeout, short body)."""


def _opener(insecure: bool) -> urllib.request.OpenerDirector:
    """An opener whose redirects obey the same URL policy."""
    import urllib.request

    class SafeRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
            check_url(newurl, insecure, "redirect")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(SafeRedirect())


def _fetch_once(
    url: str,
    out: IO[bytes],
    progress: ProgressCallback | None,
    *,
    insecure: bool,
    timeout: float,
    max_bytes: int,
    size_hint: int | None,
) -> int:
    """One GET of ``url`` into ``out``; raise _Transient for what a retry may fix."""
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _opener(insecure).open(request, timeout=timeout) as response:
            return _read_body(response, out, progress, max_bytes, size_hint)
    except urllib.error.HTTPError as e:
        e.close()
        if e.code >= 500 or e.code in (408, 429):
            raise _Transient(f"HTTP {e.code} {e.reason}") from None
        raise UserError(f"download failed: {url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, ssl.SSLCertVerificationError):
            raise UserError(f"download failed: {url}: {e.reason}") from None
        raise _Transient(str(e.reason)) from None
    except (TimeoutError, http.client.HTTPException, OSError) as e:
        raise _Transient(_describe(e)) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    return str(error) or type(error).__name__


def _read_body(
    response: Any,
    out: IO[bytes],
    progress: ProgressCallback | None,
    max_bytes: int,
    size_hint: int | None,
) -> int:
    """Stream the response body to ``out`` with progress; check its length."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else size_hint
    if total is not None and total > max_bytes:
        raise UserError(f"download of {total} bytes is over the {max_bytes}-byte limit")
    done = 0
    if progress:
        progress(0, total)
    while chunk := response.read(CHUNK // 4):
        done += len(chunk)
        if done > max_bytes:
            raise UserError(f"download is over the {max_bytes}-byte limit")
        out.write(chunk)
        if progress:
            progress(done, total)
    if length and length.isdigit() and done != int(length):
        raise _Transient(f"truncated: got {done} of {length} bytes")
    return done


def fetch_to(
    url: str,
    out: IO[bytes],
    progress: ProgressCallback | None = None,
    *,
    insecure: bool = False,
    max_bytes: int,
    tries: int | None = None,
    size_hint: int | None = None,
) -> int:
    """Download ``url`` into ``out`` (rewound on each try), retrying transient failures."""
    check_url(url, insecure, "download")
    tries = tries or http_tries()
    timeout, backoff = http_timeout(), http_backoff()
    reason = ""
    for attempt in range(1, tries + 1):
        out.seek(0)
        out.truncate()
        try:
            return _fetch_once(
                url,
                out,
                progress,
                insecure=insecure,
                timeout=timeout,
                max_bytes=max_bytes,
                size_hint=size_hint,
            )
        except _Transient as e:
            reason = str(e)
            log.info("try %d of %d for %s failed: %s", attempt, tries, url, reason)
        if attempt < tries:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise UserError(f"download failed after {tries} tries: {url}: {reason}")
