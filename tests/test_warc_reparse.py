"""`pmkz reparse` re-derives the records from the raw archive alone: with the replica
stopped and every stored text overwritten with junk, it restores the replica's truth, and
the run's events and versions say `reparsed`, never that the site changed; a second run
changes nothing; a page that did not parse is stored once the parser takes it.
"""
from __future__ import annotations

import os
import re
import shutil

import pytest

from helpers import Replica, archive_bomb, connect, first_row, items_problems, pmkz, pmkz_here
from pmkz.replica.decisions import DEFAULT_DECISIONS
from pmkz.storage.crawl_lock import CrawlLock

# Articles a language (and the replica's default decisions): enough for pages in a legacy
# code page among them and for --since to cut; the archive's size is not the subject.
ARTICLES = 20
REPARSE_LINE = re.compile(r"^ok: new (\d+), changed (\d+), unchanged (\d+), failed (\d+) \((\d+) pages re-parsed")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, forked):
    workdir = tmp_path_factory.mktemp("reparse")
    # Images are not the subject: reparse reads the archived pages alone.
    with Replica("--articles", str(ARTICLES), "--faults", "charset=0.2") as replica:
        forked.crawl(replica.url, workdir, "--no-images")
        truth = replica.truth()
    # The replica is stopped from here on: nothing can come from the network.
    return {"workdir": workdir, "db": workdir / "pmkz.db", "truth": truth}


def reparse(crawled, *extra: str) -> tuple[int, ...]:
    """`pmkz reparse` in this process (no reactor: the process is not the subject)."""
    result = pmkz_here("reparse", "--db", str(crawled["db"]), *extra)
    assert result.returncode == 0, result.stderr
    match = REPARSE_LINE.match(result.stdout.strip().splitlines()[-1])
    assert match, result.stdout
    return tuple(int(n) for n in match.groups())


def test_reparse_restores_junk_to_the_truth_and_says_so(crawled):
    db = connect(crawled["db"])
    try:
        count = db.execute("SELECT count(*) FROM items").fetchone()[0]
        assert count == len(crawled["truth"]) == 3 * (ARTICLES + DEFAULT_DECISIONS)
        db.execute("UPDATE items SET title = 'junk', summary = 'junk', body = 'junk junk', published_at = NULL")
        db.commit()
    finally:
        db.close()

    new, changed, unchanged, failed, pages = reparse(crawled)
    assert (new, changed, unchanged, failed, pages) == (0, count, 0, 0, count)

    db = connect(crawled["db"])
    try:
        assert items_problems(db, crawled["truth"]) == []
        run = db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        assert (run["mode"], run["status"], run["changed"], run["requests"]) == ("reparse", "ok", count, 0)
        events = db.execute("SELECT event, count(*) FROM item_events WHERE run_id = ? GROUP BY event",
                            [run["id"]]).fetchall()
        assert [tuple(e) for e in events] == [("reparsed", count)]
        assert db.execute("SELECT count(*) FROM item_events WHERE event = 'changed'").fetchone()[0] == 0
        # The junk is kept as the version it replaced; the new state says where it came from.
        assert {tuple(r) for r in db.execute("SELECT version_reason, count(*) FROM items GROUP BY 1")} == {("reparsed", count)}
        junk = db.execute("SELECT count(*) FROM item_versions WHERE body = 'junk junk'").fetchone()[0]
        assert junk == count
        linked = db.execute("SELECT count(*) FROM items i JOIN captures c ON c.id = i.capture_id"
                            " WHERE c.item_version = 2 AND c.url = i.url").fetchone()[0]
        assert linked == count
    finally:
        db.close()


def test_reparse_twice_changes_nothing(crawled):
    reparse(crawled)
    db = connect(crawled["db"])
    try:
        before = db.execute("SELECT count(*) FROM item_versions").fetchone()[0]
    finally:
        db.close()
    new, changed, unchanged, failed, pages = reparse(crawled)
    assert (new, changed, failed) == (0, 0, 0) and unchanged == pages == len(crawled["truth"])
    db = connect(crawled["db"])
    try:
        assert db.execute("SELECT count(*) FROM item_versions").fetchone()[0] == before
        assert items_problems(db, crawled["truth"]) == []
    finally:
        db.close()


def test_reparse_chooses_by_language_date_and_url(crawled):
    truth = crawled["truth"]
    en = [r for r in truth if r["lang"] == "en"]
    assert reparse(crawled, "--lang", "en")[4] == len(en)
    since = sorted(r["published_date"] for r in truth)[len(truth) // 2]
    assert reparse(crawled, "--since", since)[4] == sum(r["published_date"] >= since for r in truth)
    db = connect(crawled["db"])
    try:
        url = db.execute("SELECT url FROM items LIMIT 1").fetchone()[0]
    finally:
        db.close()
    assert reparse(crawled, "--url", url)[4] == 1


def test_a_page_that_did_not_parse_is_stored_once_the_parser_takes_it(crawled):
    db = connect(crawled["db"])
    try:
        row = dict(db.execute("SELECT * FROM items LIMIT 1").fetchone())
        # As if the parser of the crawl had refused the page: a parse failure, no item.
        db.execute("DELETE FROM items WHERE url = ?", [row["url"]])
        db.execute("INSERT INTO failures (url, kind, error, first_failed, last_failed, attempts)"
                   " VALUES (?, 'parse', 'no body', '2024-01-01', '2024-01-01', 1)", [row["url"]])
        db.commit()
    finally:
        db.close()
    new, changed, unchanged, failed, pages = reparse(crawled, "--url", row["url"])
    assert (new, failed) == (1, 0)
    db = connect(crawled["db"])
    try:
        assert db.execute("SELECT count(*) FROM failures WHERE url = ?", [row["url"]]).fetchone()[0] == 0
        stored = db.execute("SELECT * FROM items WHERE url = ?", [row["url"]]).fetchone()
        assert (stored["title"], stored["body"], stored["capture_id"]) == (row["title"], row["body"], row["capture_id"])
        assert items_problems(db, crawled["truth"]) == []
    finally:
        db.close()


def test_reparse_refuses_bad_arguments_in_one_line(crawled, tmp_path):
    for args, words in ((["--since", "yesterday"], "--since"), (["--db", str(tmp_path / "none.db")], "no database"),
                        (["--warc-dir", str(tmp_path / "nowhere")], "no WARC files")):
        result = pmkz_here("reparse", *(["--db", str(crawled["db"])] if args[0] != "--db" else []), *args)
        assert result.returncode != 0 and words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_reparse_and_a_crawl_of_one_database_refuse_each_other(crawled):
    # Beside a crawl, a reparse could store an older capture's record over the one the
    # crawl just fetched: one of them at a time, as two crawls. The lock is held here as
    # the other process would hold it.
    db = crawled["db"]
    runs = connect(db).execute("SELECT count(*) FROM crawl_runs").fetchone()[0]
    with CrawlLock(db, "crawl"):  # flock: a second open file is refused, in this process too
        refused = pmkz_here("reparse", "--db", str(db))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"pmkz reparse: error: another crawl (pid {os.getpid()}) is writing {db};"
        " one crawl or reparse per database at a time"]
    with CrawlLock(db, "reparse"):
        refused = pmkz("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"pmkz crawl: error: another reparse (pid {os.getpid()}) is writing {db};"
        " one crawl or reparse per database at a time"]
    assert connect(db).execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == runs
    reparse(crawled)  # and once the lock is let go, it runs: its summary line is asserted


def copy_of(crawled, tmp_path):
    workdir = tmp_path / "archive"
    shutil.copytree(crawled["workdir"], workdir)
    return workdir


def test_reparse_with_lost_warc_files_fails_in_one_clean_line(crawled, tmp_path):
    workdir = copy_of(crawled, tmp_path)
    capture = first_row(workdir / "pmkz.db", "SELECT c.* FROM items i JOIN captures c ON c.id = i.capture_id LIMIT 1")
    path = workdir / "warc" / capture["warc_file"]
    data = bytearray(path.read_bytes())
    middle = capture["warc_offset"] + capture["warc_length"] // 2
    data[middle:middle + 64] = bytes(range(64))  # flipped bytes, control characters among them
    path.write_bytes(bytes(data))
    for lost, words in ((1, "is damaged"), (len(crawled["truth"]), "is missing")):
        result = pmkz_here("reparse", "--db", str(workdir / "pmkz.db"))
        assert result.returncode == 1
        assert result.stdout.startswith("failed: ") and f"failed {lost} (" in result.stdout
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"pmkz reparse: error: {lost} of ") and "could not be re-parsed" in line
        assert words in line and line.isprintable() and str(workdir) not in line
        db = connect(workdir / "pmkz.db")
        try:
            run = db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
            assert (run["mode"], run["status"], run["failed"]) == ("reparse", "failed", lost)
            assert items_problems(db, crawled["truth"]) == []  # every stored record kept
        finally:
            db.close()
        for path in (workdir / "warc").iterdir():
            path.unlink()


def test_reparse_passes_over_an_answer_the_crawl_refused(crawled, tmp_path):
    workdir = copy_of(crawled, tmp_path)
    url = first_row(workdir / "pmkz.db", "SELECT url FROM items ORDER BY url LIMIT 1")["url"]
    archive_bomb(workdir, url, "Bomb headline")
    result = pmkz_here("reparse", "--db", str(workdir / "pmkz.db"), "--url", url)
    assert result.returncode == 0, result.stderr
    assert REPARSE_LINE.match(result.stdout).groups()[:4] == ("0", "0", "1", "0")
    db = connect(workdir / "pmkz.db")
    try:
        assert "Bomb" not in db.execute("SELECT title FROM items WHERE url = ?", [url]).fetchone()[0]
        assert items_problems(db, crawled["truth"]) == []
    finally:
        db.close()
