"""Bad input to `pmkz crawl`: one clear line on stderr, a non-zero exit, no traceback,
nothing half-written."""
from __future__ import annotations

import pytest
import sqlite_utils

from helpers import crawl, pmkz


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
    result = crawl("http://127.0.0.1:1", tmp_path, *args, check=False)
    assert_one_line_error(result, expected)
    assert not (tmp_path / "pmkz.db").exists()


def test_unwritable_database_path(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    result = pmkz("crawl", "--base-url", "http://127.0.0.1:1", "--db", str(blocker / "pmkz.db"),
                  "--images-dir", str(tmp_path / "images"), check=False)
    assert_one_line_error(result, str(blocker))
    assert blocker.read_text() == "a file where a directory should be"


def test_database_that_is_not_sqlite(tmp_path):
    (tmp_path / "pmkz.db").write_text("hello, I am a text file\n" * 100)
    result = crawl("http://127.0.0.1:1", tmp_path, check=False)
    assert_one_line_error(result, "pmkz.db")
    assert (tmp_path / "pmkz.db").read_text() == "hello, I am a text file\n" * 100


def test_unreachable_site_fails_with_one_line_and_records_the_run(tmp_path):
    # Port 1 on loopback: nothing listens, so every connection is refused at once.
    result = crawl("http://127.0.0.1:1", tmp_path, check=False)
    assert_one_line_error(result, "cannot read the news list at http://127.0.0.1:1")
    db = sqlite_utils.Database(tmp_path / "pmkz.db")
    try:
        [run] = list(db["crawl_runs"].rows)
        assert run["status"] == "failed" and run["ended"]
        assert db["items"].count == 0
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
