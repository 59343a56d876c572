"""The careful client's rules, one table each: how long a retry waits, which hosts may be
fetched, where an image may be written, what a failure says, and which half-written
files a later crawl may remove."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy.exceptions import (
    DownloadCancelledError, DownloadFailedError, DownloadTimeoutError, ResponseDataLossError,
)
from scrapy.settings import Settings

from pmkz.crawler.middlewares.errors import plain, too_large
from pmkz.crawler.middlewares.hosts import SiteHosts
from pmkz.crawler.middlewares.waits import retry_after, retry_wait
from pmkz.storage.images import PARTIAL_DIR, image_path, remove_dead_partials, write_atomically

NOW = datetime(2026, 3, 9, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("header, seconds", [
    (None, None), (b"1", 1.0), ("120", 120.0), (b" 7 ", 7.0),
    ("Mon, 09 Mar 2026 12:00:30 GMT", 30.0),  # an HTTP-date: the time left until then
    ("Mon, 09 Mar 2026 11:00:00 GMT", 0.0),  # already past: no wait asked
    ("soon", None), ("-5", None), ("", None),
])
def test_retry_after_reads_seconds_and_dates(header, seconds):
    assert retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize("retry_number, asked, wait", [
    (1, None, 1.0), (2, None, 2.0), (3, None, 4.0),  # backoff doubles
    (7, None, 60.0),  # and stops at the cap
    (1, 5.0, 5.0),  # Retry-After longer than the backoff wins
    (3, 2.0, 4.0),  # shorter, the backoff wins: never sooner than either
    (1, 60.0, 60.0),  # exactly the cap is still waited out
    (1, 61.0, None),  # more than the cap: not now, a later run
])
def test_retry_wait_backs_off_and_honours_retry_after(retry_number, asked, wait):
    assert retry_wait(retry_number, backoff=1.0, cap=60.0, asked=asked) == wait


def hosts(**settings) -> SiteHosts:
    return SiteHosts.from_settings(Settings(settings), "https://primeminister.kz")


@pytest.mark.parametrize("url, kind, allowed", [
    ("https://primeminister.kz/ru/news/a-1", "page", True),
    ("http://PrimeMinister.kz:8080/ru/news/a-1", "page", True),  # the host, whatever scheme or port
    ("https://www.primeminister.kz/ru/news/a-1", "page", False),  # another host, however close
    ("https://evil.example/ru/news/a-1", "page", False),
    ("https://primeminister.kz.evil.example/x", "page", False),
    ("https://primeminister.kz/assets/media/a.jpg", "image", True),
    ("https://cdn.example/a.jpg", "image", False),
    ("https://evil.example/robots.txt", "robots", False),
    ("https://primeminister.kz/robots.txt", "robots", True),
])
def test_only_the_sites_own_hosts(url, kind, allowed):
    refusal = hosts().refusal(url, image=kind == "image", robots=kind == "robots")
    assert (refusal is None) == allowed, refusal


def test_image_hosts_come_from_the_setting():
    configured = hosts(PMKZ_IMAGE_HOSTS="static.primeminister.kz, CDN.example")
    assert configured.image_allowed("https://cdn.example/a.jpg")
    assert configured.image_allowed("https://static.primeminister.kz/a.jpg")
    assert not configured.image_allowed("https://primeminister.kz/a.jpg")  # the list is the whole list
    assert configured.refusal("https://cdn.example/x", robots=True) is None  # its robots.txt may be read
    assert configured.refusal("https://cdn.example/ru/news/a-1") == "not fetched: cdn.example is not the site's host"
    assert hosts().refusal("https://cdn.example/a.jpg", image=True) == \
        "not fetched: cdn.example is not an image host (PMKZ_IMAGE_HOSTS)"


@pytest.mark.parametrize("url", [
    "https://primeminister.kz/assets/media/img-9262.jpeg",
    "https://primeminister.kz/../../../etc/passwd",
    "https://primeminister.kz/a/%2e%2e/%2e%2e/etc/cron.d/x.jpg",
    "https://primeminister.kz/a\\..\\..\\b.png",
    "https://primeminister.kz//etc/passwd.jpg",
    "https://primeminister.kz/x.jpg/../../../../tmp/y.jpg",
    "https://primeminister.kz/x.php%00.jpg",
    "https://primeminister.kz/x.../",
])
def test_image_files_never_leave_the_images_dir(tmp_path, url):
    relative = image_path(url)
    parts = relative.split("/")
    assert len(parts) == 2 and len(parts[1].split(".")[0]) == 40 and parts[1].startswith(parts[0])
    assert parts[1].rsplit(".", 1)[1] in ("jpeg", "jpg", "png", "bin")
    root = tmp_path / "images"
    write_atomically(root, relative, b"bytes")
    assert [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()] == [relative]


def test_write_atomically_leaves_no_temporary_file(tmp_path):
    write_atomically(tmp_path, "ab/ab.jpg", b"one")
    write_atomically(tmp_path, "ab/ab.jpg", b"two")
    assert (tmp_path / "ab/ab.jpg").read_bytes() == b"two"
    assert list((tmp_path / PARTIAL_DIR).iterdir()) == []


def test_partials_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    partial = tmp_path / PARTIAL_DIR
    partial.mkdir()
    (partial / f"{dead}-x1.part").write_bytes(b"half")
    (partial / "legacy.part").write_bytes(b"no pid")
    (partial / f"{os.getpid()}-x2.part").write_bytes(b"being written")
    assert remove_dead_partials(tmp_path) == 2
    assert [p.name for p in partial.iterdir()] == [f"{os.getpid()}-x2.part"]
    assert remove_dead_partials(tmp_path / "nothing-here") == 0


@pytest.mark.parametrize("exception, says", [
    (ResponseDataLossError(), "body cut short"),
    (DownloadTimeoutError("Getting x took longer than 2.0 seconds."), "no complete answer within the download timeout"),
    (DownloadFailedError("[<twisted.python.failure.Failure ConnectionLost>]"), "connection lost"),
    (ValueError("odd\nsecond line"), "ValueError: odd"),
    (KeyError(), "KeyError"),
])
def test_failures_say_what_happened(exception, says):
    assert plain(exception) == says or plain(exception).startswith(says)


def test_a_cancelled_download_is_the_size_cap():
    assert "larger than the download size cap of 8388608 bytes" in str(too_large(DownloadCancelledError(), 8388608))
    assert too_large(DownloadTimeoutError(), 8388608) is None


def test_env_limits_are_checked(tmp_path):
    bad = subprocess.run([sys.executable, "-c", "import crawler.settings"], capture_output=True, text=True,
                         env={**os.environ, "PMKZ_RETRY_TIMES": "-1"})
    assert "PMKZ_RETRY_TIMES must be a whole number, 0 or more, not '-1'" in bad.stderr
    good = subprocess.run([sys.executable, "-c", "import crawler.settings as s; print(s.DOWNLOAD_TIMEOUT, s.RETRY_TIMES)"],
                          capture_output=True, text=True,
                          env={**os.environ, "PMKZ_DOWNLOAD_TIMEOUT": "2.5", "PMKZ_RETRY_TIMES": "0"})
    assert good.stdout.split() == ["2.5", "0"]


# Credentials as they would look committed: in a URL, a key file, a known token format,
# or assigned to a name that says what it is.
CREDENTIALS = re.compile(
    r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[baprs]-[A-Za-z0-9-]{10,}"
    r"|(?i:password|passwd|secret|token|api_?key)\s*[=:]\s*[\"'][^\"'\s]{8,}[\"']"
)


def test_no_credentials_in_the_repository():
    root = Path(__file__).resolve().parent.parent
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = root / name
        if not path.is_file():
            continue
        text = path.read_bytes()
        if b"\0" in text[:4096]:
            continue
        found += [f"{name}: {m.group(0)[:40]}" for m in CREDENTIALS.finditer(text.decode("utf-8", "replace"))]
    assert found == []
