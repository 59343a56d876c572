"""The raw archive under faults, as an unlucky operator meets them: a WARC disk that
fills up mid-crawl, a WARC file cut short or deleted, flipped bytes. Each is reported
(a failed run, `pmkz status`, a non-zero export), and no page stays without a readable
capture once the fault is gone: the next crawl fetches it in full, never with a
conditional GET that a 304 would answer.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import (
    Replica, archive_problems, capture_problems, connect, count_rows, first_row, pmkz_here, remount, summary,
    warcio_check,
)
from pmkz.storage.warc import ArchiveReader, iter_records, warc_files


@pytest.fixture(scope="module")
def replica():
    # Small, one decision a language (its files are archived too): its raw archive
    # (~320 KB) still overflows the 200 KB disk of the first test.
    site = Replica("--articles", "8", "--decisions", "1")
    yield site
    site.stop()


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory, forked):
    """One whole crawl, copied by each test that damages it."""
    workdir = tmp_path_factory.mktemp("warc-faults")
    assert summary(forked.run(replica.url, workdir))["status"] == "ok"
    return workdir


def copy_of(crawled: Path, tmp_path: Path) -> Path:
    workdir = tmp_path / "archive"
    shutil.copytree(crawled, workdir)
    return workdir


def items_without_a_readable_capture(workdir: Path) -> list[str]:
    """Stored pages whose newest full answer the archive cannot give back."""
    db = connect(workdir / "pmkz.db")
    try:
        rows = [dict(r) for r in db.execute(
            "SELECT i.url, c.* FROM items i LEFT JOIN captures c ON c.id = (SELECT max(id) FROM captures"
            " WHERE url = i.url AND record_type = 'response' AND status = 200)")]
    finally:
        db.close()
    lost = []
    with ArchiveReader(workdir / "warc") as reader:
        for row in rows:
            try:
                record = reader.read(row["warc_file"], row["warc_offset"], row["warc_length"])
                assert record.url == row["url"]
            except Exception:
                lost.append(row["url"])
    return lost


def cut_newest_file(workdir: Path) -> None:
    """Cut the newest WARC file short, inside the last article page it holds."""
    newest = warc_files(workdir / "warc")[-1]
    last_page = first_row(workdir / "pmkz.db", "SELECT max(c.warc_offset) AS offset FROM items i"
                                               " JOIN captures c ON c.id = i.capture_id WHERE c.warc_file = ?",
                          [newest.name])
    with open(newest, "r+b") as handle:
        handle.truncate(last_page["offset"] + 10)


# Finding 1: a full WARC disk fails the run as a full database disk does, and nothing is lost.
def test_a_full_warc_disk_fails_the_run_and_the_next_run_archives_everything(replica, tmp_path, tmpfs, forked):
    warc = tmpfs(tmp_path / "warc", "200k")
    env = {"PMKZ_WARC_DIR": str(warc)}
    first = forked.run(replica.url, tmp_path, env=env)
    assert first.returncode != 0, first.stdout
    assert summary(first)["status"] == "failed"
    assert "the raw archive could not be written: No space left on device" in first.stderr
    assert "Traceback" not in first.stderr
    db = connect(tmp_path / "pmkz.db")
    try:
        # Every capture the index names is the whole record it names, as far as it got.
        assert capture_problems(db, warc) == []
        run = db.execute("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        assert run["status"] == "failed"
    finally:
        db.close()
    remount(warc, "size=50m")
    second = forked.run(replica.url, tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert summary(second)["status"] == "ok"
    assert archive_problems(tmp_path / "pmkz.db", replica.truth()) == []
    db = connect(tmp_path / "pmkz.db")
    try:
        assert capture_problems(db, warc) == []
    finally:
        db.close()
    assert items_without_a_readable_capture(tmp_path) == []
    assert warcio_check(warc_files(warc)).returncode == 0


# Findings 1 and 3: a lost capture is fetched in full (no 304) and archived again.
def test_pages_whose_capture_was_cut_off_are_fetched_in_full_and_archived_again(replica, crawled, tmp_path, forked):
    workdir = copy_of(crawled, tmp_path)
    cut_newest_file(workdir)
    lost = items_without_a_readable_capture(workdir)
    assert lost
    full = forked.run(replica.url, workdir, "--full")
    assert summary(full)["status"] == "ok", full.stderr
    assert items_without_a_readable_capture(workdir) == []
    db = connect(workdir / "pmkz.db")
    try:
        run_id = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
        refetched = {r[0] for r in db.execute("SELECT url FROM captures WHERE run_id = ? AND status = 200"
                                              " AND record_type = 'response'", [run_id])}
    finally:
        db.close()
    assert set(lost) <= refetched


# Finding 3: `pmkz status` counts the captures that cannot be read.
def test_status_counts_the_captures_that_cannot_be_read(crawled, tmp_path):
    workdir = copy_of(crawled, tmp_path)
    total = count_rows(workdir / "pmkz.db", "SELECT count(*) FROM captures")
    whole = pmkz_here("status", "--db", str(workdir / "pmkz.db")).stdout
    assert f"Raw archive: {total} captures, all in their WARC files" in whole.splitlines()
    cut_newest_file(workdir)
    newest = warc_files(workdir / "warc")[-1]
    past = count_rows(workdir / "pmkz.db", f"SELECT count(*) FROM captures WHERE warc_file = '{newest.name}'"
                                           f" AND warc_offset + warc_length > {newest.stat().st_size}")
    assert past
    cut = pmkz_here("status", "--db", str(workdir / "pmkz.db")).stdout
    assert f"Raw archive: {total} captures, {past} cannot be read (WARC file missing or cut short)" in cut
    for path in warc_files(workdir / "warc"):
        path.unlink()
    gone = pmkz_here("status", "--db", str(workdir / "pmkz.db")).stdout
    assert f"Raw archive: {total} captures, {total} cannot be read" in gone


# Finding 3: an export names the bad record, writes the others, and exits non-zero.
def test_export_warc_leaves_out_a_bad_record_names_it_and_fails(crawled, tmp_path):
    workdir = copy_of(crawled, tmp_path)
    bad = first_row(workdir / "pmkz.db", "SELECT c.* FROM items i JOIN captures c ON c.id = i.capture_id"
                                         " WHERE i.lang = 'en' LIMIT 1")
    path = workdir / "warc" / bad["warc_file"]
    data = bytearray(path.read_bytes())
    middle = bad["warc_offset"] + bad["warc_length"] // 2
    data[middle:middle + 8] = bytes(b ^ 0xFF for b in data[middle:middle + 8])
    path.write_bytes(bytes(data))
    out = tmp_path / "en.warc.gz"
    result = pmkz_here("export", "--format", "warc", "--db", str(workdir / "pmkz.db"), "--lang", "en",
                       "--out", str(out))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"capture {bad['id']} of {bad['url']}" in line and "1 left out" in line, line
    assert f"records written to {out}" in line and str(workdir) not in line
    assert warcio_check([out]).returncode == 0
    ids = {r.rec_headers.get_header("WARC-Record-ID") for r in iter_records(out)}
    assert bad["record_id"] not in ids and len(ids) > 1
