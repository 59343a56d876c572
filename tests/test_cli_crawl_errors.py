"""Bad input to `pmkz crawl`: one clear line on stderr, a non-zero exit, no traceback,
nothing half-written.

Checks made before any crawling run in this process (click's CliRunner); a real process
where only one shows it: a crawl that starts, and settings read as the process starts."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlite_utils

from helpers import crawl_args, pmkz_here, run_crawl


def assert_one_line_error(result, expected: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pmkz crawl: error: "), lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, expected", [
    (["--lang", "ru,de"], "unknown language de"),
    (["--since", "09.03.2024"], "--since must be a date like 2024-03-09"),
    (["--until", "2024-02-30"], "--until must be a date like 2024-03-09"),
    (["--since", "2025-01-01", "--until", "2024-01-01"], "is after --until"),
    (["--base-url", "primeminister.kz"], "--base-url must start with http:// or https://"),
])
def test_bad_options(tmp_path, args, expected):
    result = pmkz_here(*crawl_args("http://127.0.0.1:1", tmp_path, *args))
    assert_one_line_error(result, expected)
    assert not (tmp_path / "pmkz.db").exists()


def test_unwritable_database_path(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    result = pmkz_here("crawl", "--base-url", "http://127.0.0.1:1", "--db", str(blocker / "pmkz.db"),
                       "--images-dir", str(tmp_path / "images"))
    assert_one_line_error(result, str(blocker))
    assert blocker.read_text() == "a file where a directory should be"


def test_database_that_is_not_sqlite(tmp_path):
    (tmp_path / "pmkz.db").write_text("hello, I am a text file\n" * 100)
    result = pmkz_here(*crawl_args("http://127.0.0.1:1", tmp_path))
    assert_one_line_error(result, "pmkz.db")
    assert (tmp_path / "pmkz.db").read_text() == "hello, I am a text file\n" * 100


def test_unreachable_site_fails_with_one_line_and_records_the_run(tmp_path):
    # Port 1 on loopback: nothing listens, so every connection is refused at once.
    # Retries are not the subject (every request fails alike): one attempt each.
    result = run_crawl("http://127.0.0.1:1", tmp_path, env={"PMKZ_RETRY_TIMES": "0"})
    assert_one_line_error(result, "cannot read the news list at http://127.0.0.1:1")
    db = sqlite_utils.Database(tmp_path / "pmkz.db")
    try:
        [run] = list(db["crawl_runs"].rows)
        assert run["status"] == "failed" and run["ended"]
        assert db["items"].count == 0
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


# Environment and options are checked before any work.
# crawler/settings.py reads these once, as the crawl's process imports it.
READ_AS_THE_PROCESS_STARTS = {"PMKZ_SELECTORS", "PMKZ_DOWNLOAD_TIMEOUT"}


@pytest.mark.parametrize("env, args, message", [
    ({"PMKZ_SELECTORS": "/nonexistent.toml"}, [], "cannot read selectors file /nonexistent.toml"),
    ({"PMKZ_WEBHOOK_URL": "notaurl"}, [], "PMKZ_WEBHOOK_URL must start with http:// or https://"),
    ({"PMKZ_WEBHOOK_BACKOFF": "-1"}, [], "PMKZ_WEBHOOK_BACKOFF must be a number of seconds"),
    ({"PMKZ_WEBHOOK_BACKOFF": "abc"}, [], "PMKZ_WEBHOOK_BACKOFF must be a number of seconds"),
    ({"PMKZ_DOWNLOAD_TIMEOUT": "nan"}, [], "PMKZ_DOWNLOAD_TIMEOUT must be"),
    ({}, ["--download-timeout", "inf"], "--download-timeout must be a number of seconds"),
    ({}, ["--base-url", "http://[::1"], "--base-url is not a valid URL"),
])
def test_settings_are_checked_before_any_work(tmp_path, env, args, message):
    base = ["--base-url", "http://127.0.0.1:9"] if "--base-url" not in args else []
    argv = ["crawl", *base, "--db", str(tmp_path / "pmkz.db"), "--images-dir", str(tmp_path / "images"), *args]
    if READ_AS_THE_PROCESS_STARTS & set(env):
        result = subprocess.run([sys.executable, "-m", "pmkz", *argv], capture_output=True, text=True,
                                env={**os.environ, **env}, timeout=120)
    else:
        result = pmkz_here(*argv, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmkz crawl: error: ") and message in lines[0], result.stderr
    assert not (tmp_path / "pmkz.db").exists()
