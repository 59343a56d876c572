"""The crawl against its machine: nothing lost, nothing misreported, with the real thing
each time: a tmpfs that fills up, a second process holding the database's lock, real
signals, a read-only mount, a damaged database file. Tests wait for conditions (rows
stored, lines logged), never for moments.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import (
    archive_problems, connect, count_rows, crawl_args, images_problems, pmkz_here, remount, Replica,
    summary, wait_for, wait_while_running,
)


@pytest.fixture(scope="module")
def replica():
    site = Replica("--articles", "20")
    yield site
    site.stop()


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory, forked):
    """One whole crawl of `replica`, run without a console or job files in its state
    folder, for the tests that read it or change a copy of it (`copy_of`)."""
    workdir = tmp_path_factory.mktemp("crawled")
    result = forked.run(replica.url, workdir, env={"XDG_STATE_HOME": str(workdir / "state"), "HOME": str(workdir)})
    return workdir, result


def copy_of(crawled, destination: Path) -> Path:
    """The shared crawl's archive (database, images, WARC files, logs) copied into
    `destination` (an existing folder, a mount point, is filled in)."""
    workdir, _ = crawled
    shutil.copytree(workdir, destination, ignore=shutil.ignore_patterns("state", ".*"), dirs_exist_ok=True)
    return destination


def stop_once_stored(crawl: subprocess.Popen, db_path: Path, items: int) -> None:
    """Stop the crawl (SIGSTOP) as soon as `items` items are stored: it holds still
    mid-crawl, however loaded the machine, until it gets SIGCONT. Polled closely, so it is
    stopped within a batch or two of `items`, far from its end."""
    reached = wait_while_running(crawl, lambda: count_rows(db_path, "SELECT count(*) FROM items") >= items,
                                 timeout=120, interval=0.005)
    crawl.send_signal(signal.SIGSTOP)
    assert reached, "the crawl ended before it stored its first items"


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
def test_full_images_disk_fails_the_run_and_the_next_run_stores_everything(replica, tmp_path, tmpfs, forked):
    images = tmpfs(tmp_path / "images", "400k")
    first = forked.run(replica.url, tmp_path)
    assert first.returncode != 0, first.stdout
    line = summary(first)
    assert line["status"] == "failed"
    assert "could not be saved" in first.stderr and "Traceback" not in first.stderr
    stored_counts_match(tmp_path / "pmkz.db", line)
    assert count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM failures WHERE kind = 'save'") > 0
    remount(images, "size=50m")
    second = forked.run(replica.url, tmp_path)
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
    # In this process: refused before any crawl starts (no reactor), as a process would be.
    result = pmkz_here("crawl", "--base-url", "http://127.0.0.1:9", "--db", str(path),
                       "--images-dir", str(tmp_path / "images"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"pmkz crawl: error: {path} is not a pmkz database (its items table has no title, url);"
        " pmkz leaves it untouched"]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.glob("o.db*")] == ["o.db"]


def hold_lock(db_path: Path, crawl: subprocess.Popen) -> sqlite3.Connection:
    """This process (another one than the crawl) holds the database's write lock, taken
    while the crawl stands stopped (SIGSTOP), until `release` is called on it; the crawl
    is let go (SIGCONT) once the lock is held. A crawl stopped inside its own write is let
    go until that write is done, then stopped again."""
    db = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    deadline = time.monotonic() + 60  # a crawl that never lets go of its write fails the test
    while True:
        crawl.send_signal(signal.SIGSTOP)
        try:
            db.execute("BEGIN EXCLUSIVE")
            break
        except sqlite3.OperationalError as error:  # the crawl was stopped mid-write
            assert "locked" in str(error), error
            assert time.monotonic() < deadline, "the crawl held its write lock for a minute"
            crawl.send_signal(signal.SIGCONT)
            time.sleep(0.001)
    crawl.send_signal(signal.SIGCONT)
    return db


def crawl_then_lock(forked, site, workdir: Path, *extra: str, after_items: int, env: dict):
    """A (forked) crawl in the background, its stdout and stderr in workdir/crawl.out and
    crawl.err, stopped once `after_items` items are stored while this process takes the
    database's lock, then let go with the lock held until `release`."""
    crawl = forked.start(site.url, workdir, *extra, env=env,
                         stdout=str(workdir / "crawl.out"), stderr=str(workdir / "crawl.err"))
    db_path = workdir / "pmkz.db"
    try:
        stop_once_stored(crawl, db_path, after_items)
        return crawl, hold_lock(db_path, crawl)
    except BaseException:  # never leave a stopped crawl behind
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        raise


def finished(crawl, workdir: Path) -> tuple[str, str]:
    """The crawl's exit awaited: what it printed on stdout and stderr."""
    crawl.wait(timeout=300)
    return (workdir / "crawl.out").read_text(encoding="utf-8"), (workdir / "crawl.err").read_text(encoding="utf-8")


def release(lock: sqlite3.Connection) -> None:
    lock.execute("COMMIT")
    lock.close()


# A lock taken by another process mid-crawl: waited for (reported), nothing lost,
# the counts printed are the counts stored.
@pytest.mark.slow
def test_a_lock_held_mid_crawl_is_waited_for_and_nothing_is_lost(replica, tmp_path, forked):
    db_path = tmp_path / "pmkz.db"
    # Without WARC files: while the lock is held, each capture's index row would hold the
    # crawl for a lock poll of its own before any item reached the wait reported here.
    crawl, locker = crawl_then_lock(forked, replica, tmp_path, "--no-warc", after_items=10,
                                    env={"PMKZ_STORE_BATCH_ITEMS": "5"})
    log = tmp_path / "logs" / "crawl.log"
    wait_for(lambda: "locked by another process; waiting" in log.read_text() or crawl.poll() is not None,
             what="the crawl to wait for the lock")
    waited = "locked by another process; waiting" in log.read_text()
    release(locker)
    out, err = finished(crawl, tmp_path)
    assert crawl.returncode == 0, err
    assert waited
    line = summary(subprocess.CompletedProcess([], 0, out, err))
    assert line["status"] == "ok"
    stored_counts_match(db_path, line)
    assert archive_problems(db_path, replica.truth()) == []


# The wait for a lock is bounded: past it the run says so, and its row is closed by
# the next run, which stores everything.
@pytest.mark.slow
def test_a_lock_held_past_the_wait_fails_the_run_and_the_next_run_closes_its_row(replica, tmp_path, forked):
    # The crawl is still under way when the other process holds the lock, however loaded
    # the machine: it stands stopped from its first 5 items until the lock is held.
    db_path = tmp_path / "pmkz.db"
    # Without WARC files: each capture's index row would wait out its own lock poll.
    crawl, locker = crawl_then_lock(forked, replica, tmp_path, "--no-images", "--no-warc", after_items=5,
                                    env={"PMKZ_STORE_BATCH_ITEMS": "5", "PMKZ_LOCK_WAIT_SECONDS": "0.1"})
    log = tmp_path / "logs" / "crawl.log"
    try:
        # Held until the run has given its verdict (its spider closed, its row left open):
        # the notifications after it need not wait out the database's busy timeout too.
        wait_while_running(crawl, lambda: "Spider closed" in log.read_text(), timeout=300, interval=0.05)
    finally:
        release(locker)
    out, err = finished(crawl, tmp_path)
    stored = count_rows(db_path, "SELECT count(*) FROM items")
    assert stored < len(replica.truth()), "the crawl ended before the lock was taken"
    assert crawl.returncode == 1
    assert err.strip().splitlines()[-1].startswith("pmkz crawl: error: the run did not complete")
    assert "locked by another process" in err and "Traceback" not in err
    again = forked.run(replica.url, tmp_path, "--no-images", "--no-warc")
    assert again.returncode == 0, again.stderr
    assert archive_problems(db_path, replica.truth()) == []


# A full disk for database and images: one line, no traceback, every run row closed,
# and with space again the full truth without orphan files.
def test_full_disk_for_database_and_images(replica, tmp_path, tmpfs, forked):
    archive = tmpfs(tmp_path / "archive", "1m")
    first = forked.run(replica.url, archive)
    assert first.returncode != 0
    assert "Traceback" not in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1, first.stderr
    remount(archive, "size=100m")
    second = forked.run(replica.url, archive)
    assert second.returncode == 0, second.stderr
    assert archive_problems(archive / "pmkz.db", replica.truth(), archive / "images") == []


# Images never fetched (--no-images) or deleted from disk are fetched on the next visit.
@pytest.mark.slow
def test_missing_images_are_filled_in_on_the_next_visit(replica, tmp_path, forked):
    assert summary(forked.run(replica.url, tmp_path, "--no-images"))["status"] == "ok"
    forked.run(replica.url, tmp_path, "--full")
    truth = replica.truth()
    db = connect(tmp_path / "pmkz.db")
    try:
        assert images_problems(db, tmp_path / "images", truth) == []
        deleted = [row["path"] for row in db.execute("SELECT path FROM images LIMIT 10")]
    finally:
        db.close()
    for path in deleted:
        (tmp_path / "images" / path).unlink()
    assert summary(forked.run(replica.url, tmp_path, "--full"))["status"] == "ok"
    db = connect(tmp_path / "pmkz.db")
    try:
        assert images_problems(db, tmp_path / "images", truth) == []
    finally:
        db.close()


# One crawl per database.
@pytest.mark.slow
def test_a_second_crawl_of_one_database_is_refused(replica, tmp_path, forked):
    first = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(replica.url, tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The first stands stopped once it wrote its run row, so it is still under way (its
    # lock held) however long the second takes to start.
    reached = wait_while_running(first, lambda: count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM crawl_runs"),
                                 timeout=120, interval=0.005)
    first.send_signal(signal.SIGSTOP)
    assert reached, "the first crawl ended before it wrote its run row"
    try:
        second = forked.run(replica.url, tmp_path)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"pmkz crawl: error: another crawl (pid {first.pid}) is writing {tmp_path / 'pmkz.db'};"
        " one crawl or reparse per database at a time"]
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert archive_problems(tmp_path / "pmkz.db", replica.truth()) == []


# Interrupted runs exit 130 / 143.
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_crawl_exits_with_the_signal(replica, tmp_path, signum, code):
    crawl = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(replica.url, tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PMKZ_STORE_BATCH_ITEMS": "5"})
    # Stopped after its first items, the signal waits for it: it lands mid-crawl.
    stop_once_stored(crawl, tmp_path / "pmkz.db", 5)
    crawl.send_signal(signum)
    crawl.send_signal(signal.SIGCONT)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == code, err
    assert summary(subprocess.CompletedProcess([], code, out, err))["status"] == "interrupted"


# Readers on a read-only mount; an unwritable images dir leaves no database; a damaged
# database is refused at start.
def test_readers_read_a_read_only_mount(replica, crawled, tmp_path, tmpfs, forked):
    archive = copy_of(crawled, tmpfs(tmp_path / "archive", "50m"))
    assert summary(crawled[1])["status"] == "ok"
    remount(archive, "ro")
    status = pmkz_here("status", "--db", str(archive / "pmkz.db"))
    assert status.returncode == 0, status.stderr
    assert "Last runs" in status.stdout
    export = pmkz_here("export", "--format", "jsonl", "--db", str(archive / "pmkz.db"),
                       "--out", str(tmp_path / "x.jsonl"))
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
    refused = forked.run(replica.url, tmp_path, "--images-dir", str(archive / "images2"))
    assert refused.returncode == 1
    assert not (tmp_path / "pmkz.db").exists()


def test_a_damaged_database_is_refused_at_start(crawled, tmp_path):
    assert summary(crawled[1])["status"] == "ok"
    copy_of(crawled, tmp_path)
    path = tmp_path / "pmkz.db"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 8 * page)):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    # In this process: refused before any crawl starts (no reactor), as a process would be.
    result = pmkz_here("crawl", "--base-url", "http://127.0.0.1:9", "--db", str(path),
                       "--images-dir", str(tmp_path / "images"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0], result.stderr
    status = pmkz_here("status", "--db", str(path))
    assert "is damaged" in status.stderr and "Traceback" not in status.stderr, status.stderr


# No console into a crawl, and no job files left behind.
def test_no_console_and_no_job_files(crawled):
    workdir, result = crawled  # crawled with its own XDG_STATE_HOME and HOME
    state = workdir / "state"
    assert summary(result)["status"] == "ok"
    assert not state.exists() or not list(state.rglob("*.json"))
    log = (workdir / "logs" / "crawl.log").read_text()
    assert "Telnet console listening" not in log and "RemoteControl" not in log
