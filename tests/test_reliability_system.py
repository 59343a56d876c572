"""The crawl against its machine: nothing lost, nothing misreported, with the real thing
each time: a tmpfs that fills up, a second process holding the database's lock, real
signals, a read-only mount, a damaged database file. Tests wait for conditions (rows
stored, lines logged), never for moments.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from helpers import (
    archive_problems, connect, count_rows, crawl_args, images_problems, pmkz, remount, Replica, run_crawl, summary,
    wait_for,
)


@pytest.fixture(scope="module")
def replica():
    site = Replica("--articles", "20")
    yield site
    site.stop()


@pytest.fixture(scope="module")
def larger():
    """A site whose crawl is still under way when a test acts on it (a lock taken, a
    second crawl started, a signal sent) after its first few items are stored."""
    site = Replica("--articles", "100")
    yield site
    site.stop()


def stored_counts_match(db_path: Path, line: dict) -> None:
    """The summary's counts are those of the run's row, and its new items exist."""
    db = connect(db_path)
    try:
        run = db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        for name in ("new", "changed", "unchanged", "gone", "failed"):
            assert run[name] == line[name], name
        assert db.execute("SELECT count(*) FROM item_events WHERE run_id = ? AND event = 'new'",
                          [run["id"]]).fetchone()[0] == line["new"]
    finally:
        db.close()


# A save that fails (a full images disk) is never silent, and the next run completes.
def test_full_images_disk_fails_the_run_and_the_next_run_stores_everything(replica, tmp_path, tmpfs):
    images = tmpfs(tmp_path / "images", "400k")
    first = run_crawl(replica.url, tmp_path)
    assert first.returncode != 0, first.stdout
    line = summary(first)
    assert line["status"] == "failed"
    assert "could not be saved" in first.stderr and "Traceback" not in first.stderr
    stored_counts_match(tmp_path / "pmkz.db", line)
    assert count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM failures WHERE kind = 'save'") > 0
    remount(images, "size=50m")
    second = run_crawl(replica.url, tmp_path)
    assert second.returncode == 0, second.stderr
    assert summary(second)["status"] == "ok"
    assert archive_problems(tmp_path / "pmkz.db", replica.truth(), images) == []
    assert count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM failures") == 0


# A database of another tool is refused, untouched, in one line.
def test_a_foreign_database_is_refused_untouched(tmp_path):
    path = tmp_path / "o.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE items (a, b, c)")
    db.commit()
    db.close()
    before = path.read_bytes()
    result = pmkz("crawl", "--base-url", "http://127.0.0.1:9", "--db", str(path),
                  "--images-dir", str(tmp_path / "images"), check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"pmkz crawl: error: {path} is not a pmkz database (its items table has no title, url);"
        " pmkz leaves it untouched"]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.glob("o.db*")] == ["o.db"]


LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
db.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


def crawl_then_lock(site, workdir: Path, *extra: str, after_items: int, env: dict):
    """A crawl in the background and, once `after_items` items are stored, another
    process holding the database's lock until `release` is called on it."""
    crawl = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(site.url, workdir), *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **env})
    db_path = workdir / "pmkz.db"
    wait_for(lambda: count_rows(db_path, "SELECT count(*) FROM items") >= after_items, what="items stored")
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert locker.stdout.readline().strip() == "held"
    return crawl, locker


def release(locker: subprocess.Popen) -> None:
    locker.stdin.write("\n")
    locker.stdin.close()
    locker.wait(timeout=60)


# A lock taken by another process mid-crawl: waited for (reported), nothing lost,
# the counts printed are the counts stored.
@pytest.mark.slow
def test_a_lock_held_mid_crawl_is_waited_for_and_nothing_is_lost(larger, tmp_path):
    db_path = tmp_path / "pmkz.db"
    crawl, locker = crawl_then_lock(larger, tmp_path, after_items=10, env={"PMKZ_STORE_BATCH_ITEMS": "5"})
    log = tmp_path / "logs" / "crawl.log"
    wait_for(lambda: "locked by another process; waiting" in log.read_text() or crawl.poll() is not None,
             what="the crawl to wait for the lock")
    waited = "locked by another process; waiting" in log.read_text()
    release(locker)
    out, err = crawl.communicate(timeout=300)
    assert crawl.returncode == 0, err
    assert waited
    line = summary(subprocess.CompletedProcess([], 0, out, err))
    assert line["status"] == "ok"
    stored_counts_match(db_path, line)
    assert archive_problems(db_path, larger.truth()) == []


# The wait for a lock is bounded: past it the run says so, and its row is closed by
# the next run, which stores everything.
@pytest.mark.slow
def test_a_lock_held_past_the_wait_fails_the_run_and_the_next_run_closes_its_row(replica_300, tmp_path):
    # The 300-article site: the crawl must still be under way when the other process,
    # started after 5 items, holds the lock, however loaded the machine.
    db_path = tmp_path / "pmkz.db"
    crawl, locker = crawl_then_lock(replica_300, tmp_path, "--no-images", after_items=5,
                                    env={"PMKZ_STORE_BATCH_ITEMS": "5", "PMKZ_LOCK_WAIT_SECONDS": "0.1"})
    try:
        out, err = crawl.communicate(timeout=300)
    finally:
        release(locker)
    stored = count_rows(db_path, "SELECT count(*) FROM items")
    assert stored < len(replica_300.truth()), "the crawl ended before the lock was taken"
    assert crawl.returncode == 1
    assert err.strip().splitlines()[-1].startswith("pmkz crawl: error: the run did not complete")
    assert "locked by another process" in err and "Traceback" not in err
    again = run_crawl(replica_300.url, tmp_path, "--no-images")
    assert again.returncode == 0, again.stderr
    assert archive_problems(db_path, replica_300.truth()) == []


# A full disk for database and images: one line, no traceback, every run row closed,
# and with space again the full truth without orphan files.
def test_full_disk_for_database_and_images(replica, tmp_path, tmpfs):
    archive = tmpfs(tmp_path / "archive", "1m")
    first = run_crawl(replica.url, archive)
    assert first.returncode != 0
    assert "Traceback" not in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1, first.stderr
    remount(archive, "size=100m")
    second = run_crawl(replica.url, archive)
    assert second.returncode == 0, second.stderr
    assert archive_problems(archive / "pmkz.db", replica.truth(), archive / "images") == []


# Images never fetched (--no-images) or deleted from disk are fetched on the next visit.
@pytest.mark.slow
def test_missing_images_are_filled_in_on_the_next_visit(replica, tmp_path):
    assert summary(run_crawl(replica.url, tmp_path, "--no-images"))["status"] == "ok"
    run_crawl(replica.url, tmp_path, "--full")
    truth = replica.truth()
    db = connect(tmp_path / "pmkz.db")
    try:
        assert images_problems(db, tmp_path / "images", truth) == []
        deleted = [row["path"] for row in db.execute("SELECT path FROM images LIMIT 10")]
    finally:
        db.close()
    for path in deleted:
        (tmp_path / "images" / path).unlink()
    assert summary(run_crawl(replica.url, tmp_path, "--full"))["status"] == "ok"
    db = connect(tmp_path / "pmkz.db")
    try:
        assert images_problems(db, tmp_path / "images", truth) == []
    finally:
        db.close()


# One crawl per database.
@pytest.mark.slow
def test_a_second_crawl_of_one_database_is_refused(larger, tmp_path):
    first = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(larger.url, tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM crawl_runs"), what="a run row")
    second = run_crawl(larger.url, tmp_path)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"pmkz crawl: error: another crawl (pid {first.pid}) is writing {tmp_path / 'pmkz.db'};"
        " one crawl or reparse per database at a time"]
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert archive_problems(tmp_path / "pmkz.db", larger.truth()) == []


# Interrupted runs exit 130 / 143.
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_crawl_exits_with_the_signal(larger, tmp_path, signum, code):
    crawl = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(larger.url, tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PMKZ_STORE_BATCH_ITEMS": "5"})
    wait_for(lambda: count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM items") >= 5, what="items stored")
    crawl.send_signal(signum)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == code, err
    assert summary(subprocess.CompletedProcess([], code, out, err))["status"] == "interrupted"


# Readers on a read-only mount; an unwritable images dir leaves no database; a damaged
# database is refused at start.
def test_readers_read_a_read_only_mount(replica, tmp_path, tmpfs):
    archive = tmpfs(tmp_path / "archive", "50m")
    assert summary(run_crawl(replica.url, archive))["status"] == "ok"
    remount(archive, "ro")
    status = pmkz("status", "--db", str(archive / "pmkz.db"), check=False)
    assert status.returncode == 0, status.stderr
    assert "Last runs" in status.stdout
    export = pmkz("export", "--format", "jsonl", "--db", str(archive / "pmkz.db"), "--out", str(tmp_path / "x.jsonl"),
                  check=False)
    assert export.returncode == 0, export.stderr
    assert len((tmp_path / "x.jsonl").read_text().splitlines()) == len(replica.truth())
    serve = subprocess.Popen([sys.executable, "-m", "pmkz", "serve", "--db", str(archive / "pmkz.db"),
                              "--images-dir", str(archive / "images"), "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = serve.stdout.readline().strip()
        assert url.startswith("http://"), serve.stderr.read() if serve.poll() is not None else url
        with urllib.request.urlopen(url + "pmkz/items.json?_shape=array&_size=max") as answer:
            assert len(json.load(answer)) == len(replica.truth())
    finally:
        serve.terminate()
        serve.wait(timeout=60)
    refused = run_crawl(replica.url, tmp_path, "--images-dir", str(archive / "images2"))
    assert refused.returncode == 1
    assert not (tmp_path / "pmkz.db").exists()


def test_a_damaged_database_is_refused_at_start(replica, tmp_path):
    assert summary(run_crawl(replica.url, tmp_path))["status"] == "ok"
    path = tmp_path / "pmkz.db"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 8 * page)):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    result = pmkz("crawl", "--base-url", "http://127.0.0.1:9", "--db", str(path),
                  "--images-dir", str(tmp_path / "images"), check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0], result.stderr
    status = pmkz("status", "--db", str(path), check=False)
    assert "is damaged" in status.stderr and "Traceback" not in status.stderr, status.stderr


# No console into a crawl, and no job files left behind.
def test_no_console_and_no_job_files(replica, tmp_path):
    state = tmp_path / "state"
    result = run_crawl(replica.url, tmp_path, env={"XDG_STATE_HOME": str(state), "HOME": str(tmp_path)})
    assert summary(result)["status"] == "ok"
    assert not state.exists() or not list(state.rglob("*.json"))
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert "Telnet console listening" not in log and "RemoteControl" not in log
