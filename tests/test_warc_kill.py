"""The raw archive under SIGKILL: `pmkz crawl` killed at 10 moments of its progress (the
first WARC file there, then shares of the archive's records written), resumed each time.

After every kill, every capture row points at a whole record of its file, and what
precedes a file's cut tail (if any) reads as whole records. Once, a kill is followed by
half a record appended to the newest file, as a power cut mid-write would leave it. After
the final run every WARC file passes `warcio check` (the next crawl cut the short tail
off), no capture row points at a missing or cut record, and the archive holds the truth.
"""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

from helpers import (
    capture_problems, connect, count_rows, items_problems, Replica, summary, wait_while_running,
    warcio_check,
)
from pmkz.storage.warc import complete_end, iter_records, warc_files

ARTICLES = "20"  # per language: 60 pages, their images and lists, a few seconds
SHARES = tuple(n / 10 for n in range(1, 10))  # of the records a whole crawl writes
DEADLINE = 60.0
HALF_RECORD_AFTER = 4  # the kill after which half a record is appended


def count(workdir: Path, sql: str) -> int:
    return count_rows(workdir / "pmkz.db", sql)


def records_written(workdir: Path) -> int:
    """Bytes of WARC files on disk: grows with every record, committed or not."""
    return sum(p.stat().st_size for p in warc_files(workdir / "warc"))


def after_kill_problems(workdir: Path) -> list:
    problems = []
    for path in warc_files(workdir / "warc"):
        end = complete_end(path)
        with open(path, "rb") as handle:
            whole = handle.read(end)
        try:
            import io

            from warcio.archiveiterator import ArchiveIterator

            for record in ArchiveIterator(io.BytesIO(whole)):
                record.content_stream().read()
        except Exception as error:
            problems.append(("whole part unreadable", path.name, str(error)))
    if (workdir / "pmkz.db").exists() and count(workdir, "SELECT count(*) FROM sqlite_master WHERE name = 'captures'"):
        db = connect(workdir / "pmkz.db")
        try:
            problems += capture_problems(db, workdir / "warc")
        finally:
            db.close()
    return problems


@pytest.mark.slow
def test_sigkill_at_10_moments_leaves_every_record_whole_and_indexed(tmp_path, forked):
    with Replica("--articles", ARTICLES) as replica:
        truth = replica.truth()
        # The size of a whole crawl's archive, measured once elsewhere, sets the shares.
        probe = tmp_path / "probe"
        forked.run(replica.url, probe)
        total = records_written(probe)
        moments = [("first file", lambda: bool(warc_files(tmp_path / "warc")))]
        moments += [(f"{share:.0%} of the bytes", lambda share=share: records_written(tmp_path) >= share * total)
                    for share in SHARES]
        kills = []
        # Each killed run is a `pmkz crawl` process forked from one that imported the
        # crawler once (the `forked` fixture): a process like any other, killed like any other.
        for number, (what, reached) in enumerate(moments):
            process = forked.start(replica.url, tmp_path, env={"PMKZ_STORE_BATCH_ITEMS": "5"})
            try:
                in_time = wait_while_running(process, reached, DEADLINE, interval=0.005)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
            kills.append((what, in_time, records_written(tmp_path)))
            assert after_kill_problems(tmp_path) == [], kills[-1]
            if number == HALF_RECORD_AFTER:
                newest = warc_files(tmp_path / "warc")[-1]
                first_record = newest.read_bytes()[:complete_end(newest)]
                with open(newest, "ab") as handle:
                    handle.write(first_record[: len(first_record) // 2])
        print(f"\nkills (moment, reached before the crawl ended, WARC bytes): {kills}")
        assert sum(kill[1] for kill in kills) >= 8, kills

        final = forked.run(replica.url, tmp_path)
        assert summary(final)["status"] == "ok", final.stderr

    files = warc_files(tmp_path / "warc")
    check = warcio_check(files)
    assert check.returncode == 0, check.stdout
    assert all(complete_end(path) == path.stat().st_size for path in files)
    db = connect(tmp_path / "pmkz.db")
    try:
        assert capture_problems(db, tmp_path / "warc") == []
        assert items_problems(db, truth) == []
        assert db.execute("SELECT count(*) FROM items WHERE capture_id IS NULL").fetchone()[0] == 0
        # Each record the index names is there once; records written after the last
        # commit of a killed run stay in their file, whole, unindexed.
        indexed = {row[0] for row in db.execute("SELECT record_id FROM captures")}
    finally:
        db.close()
    in_files = {r.rec_headers.get_header("WARC-Record-ID") for path in files for r in iter_records(path)}
    assert indexed <= in_files
