"""What the tests share: the `pmkz` command in a fresh process, the replica with its
truth, crawls of it, waiting for a condition, and what "nothing lost, nothing broken"
means for an archive (stored records equal to the replica's truth, an intact database
without duplicates, an images dir holding exactly the complete files its rows name).

Each `*_problems` check returns a list of problems (empty when all is well), so a failing
test shows everything that is wrong at once. Fixtures live in conftest.py.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pmkz.replica_process import ReplicaProcess

FILES = Path(__file__).parent / "files"


def pmkz(*args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """Run the `pmkz` command in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "pmkz", *args],
        capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pmkz {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


class Replica(ReplicaProcess):
    """A replica whose truth the test can ask for."""

    def truth(self) -> list[dict]:
        out = pmkz("replica", "--dump-truth", *self.options).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def crawl_args(base_url: str, workdir: Path, *extra: str) -> list[str]:
    """`pmkz crawl` arguments for an archive (pmkz.db and images/) in `workdir`."""
    return ["crawl", "--base-url", base_url, "--db", str(workdir / "pmkz.db"),
            "--images-dir", str(workdir / "images"), *extra]


def crawl(base_url: str, workdir: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    return pmkz(*crawl_args(base_url, workdir, *extra), check=check)


def start_crawl(base_url: str, workdir: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    """`pmkz crawl` running in the background, for tests that stop or kill it."""
    return subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(base_url, workdir, *extra)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})


def wait_for(condition, timeout: float = 90, what: str = "condition", interval: float = 0.3):
    """Poll `condition` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def wait_while_running(process: subprocess.Popen, done, timeout: float = 60.0, interval: float = 0.01) -> bool:
    """Poll `done()` until it is true; False if `process` ended first. A process that
    never gets there within `timeout` fails the test (a hung crawl)."""
    deadline = time.monotonic() + timeout
    while not done():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the crawl did not reach its moment"
        time.sleep(interval)
    return True



RECORD_FIELDS = (
    "site_id", "lang", "kind", "category", "title", "published_date",
    "published_at", "summary", "body",
)


def path_of(url: str) -> str:
    return urlsplit(url).path


def run_crawl(base_url: str, workdir: Path, *extra: str, env: dict | None = None,
          timeout: float = 300) -> subprocess.CompletedProcess:
    """`pmkz crawl` into workdir/pmkz.db and workdir/images, with extra environment."""
    return subprocess.run(
        [sys.executable, "-m", "pmkz", "crawl", "--base-url", base_url,
         "--db", str(workdir / "pmkz.db"), "--images-dir", str(workdir / "images"), *extra],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


SUMMARY = re.compile(
    r"^(?P<status>\w+): new (?P<new>\d+), changed (?P<changed>\d+), unchanged (?P<unchanged>\d+), "
    r"gone (?P<gone>\d+), failed (?P<failed>\d+) \((?P<requests>\d+) requests, (?P<retries>\d+) retries\)$")


def summary(result: subprocess.CompletedProcess) -> dict:
    """The crawl's one-line summary as a dict (numbers as int)."""
    match = SUMMARY.match(result.stdout.strip().splitlines()[0] if result.stdout.strip() else "")
    assert match, f"no summary line:\n{result.stdout}\n{result.stderr}"
    return {k: v if k == "status" else int(v) for k, v in match.groupdict().items()}


def connect(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return db


def items_problems(db: sqlite3.Connection, truth: list[dict]) -> list:
    """Every truth record stored once, field for field, and nothing else stored."""
    want = {path_of(r["url"]): r for r in truth}
    rows = [dict(r) for r in db.execute("SELECT * FROM items")]
    stored = {path_of(r["url"]): r for r in rows}
    problems = [("duplicate path", p) for p in stored if sum(path_of(r["url"]) == p for r in rows) > 1]
    problems += [("missing", p) for p in sorted(set(want) - set(stored))]
    problems += [("not in truth", p) for p in sorted(set(stored) - set(want))]
    for path in sorted(set(want) & set(stored)):
        row, record = stored[path], want[path]
        problems += [(path, f, row[f], record[f]) for f in RECORD_FIELDS if row[f] != record[f]]
        if [path_of(u) for u in json.loads(row["image_urls"])] != [path_of(u) for u in record["image_urls"]]:
            problems.append((path, "image_urls"))
    return problems


def images_problems(db: sqlite3.Connection, images_dir: Path, truth: list[dict]) -> list:
    """An images row for every image of the truth, each naming a complete file of that
    sha1; no other file under the images dir, half-written ones included."""
    want = {(path_of(r["url"]), path_of(u)) for r in truth for u in r["image_urls"]}
    rows = [dict(r) for r in db.execute("SELECT * FROM images")]
    have = {(path_of(r["item_url"]), path_of(r["url"])) for r in rows}
    problems = [("image row missing", *key) for key in sorted(want - have)]
    problems += [("image row not in truth", *key) for key in sorted(have - want)]
    named = set()
    for row in rows:
        file = images_dir / row["path"]
        named.add(file.resolve())
        if not file.resolve().is_relative_to(images_dir.resolve()):
            problems.append(("image path outside the images dir", row["path"]))
        elif not file.is_file():
            problems.append(("image file missing", row["path"]))
        elif hashlib.sha1(file.read_bytes()).hexdigest() != row["sha1"]:
            problems.append(("image file does not match its sha1", row["path"]))
    on_disk = {p.resolve() for p in images_dir.rglob("*") if p.is_file()} if images_dir.exists() else set()
    problems += [("file no row names", str(p)) for p in sorted(on_disk - named)]
    return problems


def database_problems(db: sqlite3.Connection) -> list:
    """integrity_check ok, no duplicate events, every run closed with a final status."""
    problems = []
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(("integrity_check", integrity))
    problems += [("duplicate event", *r) for r in db.execute(
        "SELECT url, event, count(*) FROM item_events GROUP BY run_id, url, event HAVING count(*) > 1")]
    problems += [("more than one 'new' event", *r) for r in db.execute(
        "SELECT url, count(*) FROM item_events WHERE event = 'new' GROUP BY url HAVING count(*) > 1")]
    problems += [("run not closed", r["id"], r["status"]) for r in db.execute(
        "SELECT id, status FROM crawl_runs WHERE status = 'running' OR ended IS NULL AND status != 'interrupted'")]
    return problems


def failures(db: sqlite3.Connection) -> dict[str, dict]:
    """path -> failure row."""
    return {path_of(r["url"]): dict(r) for r in db.execute("SELECT * FROM failures")}


def warcio_check(paths) -> subprocess.CompletedProcess:
    """`warcio check` (the library's own checker: every record whole, every digest right)."""
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, paths)],
                          capture_output=True, text=True, timeout=600)


def sha1_base32(data: bytes) -> str:
    """A WARC payload digest: `sha1:` and the base32 of the sha1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def capture_problems(db: sqlite3.Connection, warc_dir: Path) -> list:
    """Every capture row points at a whole record of its file: the record there is the
    one the row names (type, target, record id), and its payload has the row's digest."""
    from pmkz.storage.warc import ArchiveReader

    problems = []
    with ArchiveReader(warc_dir) as reader:
        for row in db.execute("SELECT * FROM captures"):
            try:
                record = reader.read(row["warc_file"], row["warc_offset"], row["warc_length"])
            except Exception as error:
                problems.append(("unreadable capture", row["id"], row["warc_file"], str(error)))
                continue
            if (record.url, record.record_type, record.status) != (row["url"], row["record_type"], row["status"]):
                problems.append(("capture names another record", row["id"]))
            elif row["record_type"] == "response" and sha1_base32(record.body) != row["payload_digest"]:
                problems.append(("payload digest differs", row["id"]))
    return problems


def mount_tmpfs(directory: Path, size: str) -> None:
    """A tmpfs of `size` at `directory` (as root); the test is skipped where none can be mounted."""
    directory.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")


def remount(directory: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(directory)], check=True)


LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def faked_clock(moment, **env) -> dict:
    """Environment for a process whose clock starts at `moment` (an aware datetime) and
    runs on from there, through libfaketime (scripts/install-test-tools.sh)."""
    return {"LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": "@" + moment.strftime("%Y-%m-%d %H:%M:%S"),
            "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1", **env}


def count_rows(db_path: Path, sql: str) -> int:
    """A count as another process sees the database, read-only; 0 before the file exists
    or has its schema (a crawl may be creating it)."""
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def first_row(db_path: Path, sql: str, params=()) -> dict:
    """The first row of a query, as a dict."""
    db = connect(db_path)
    try:
        return dict(db.execute(sql, params).fetchone())
    finally:
        db.close()


def archive_problems(db_path: Path, truth: list[dict], images_dir: Path | None = None) -> list:
    """Everything wrong with an archive at once: records against the truth, the images
    (when `images_dir` is given) and the database itself. Empty when all is well."""
    db = connect(db_path)
    try:
        problems = items_problems(db, truth) + database_problems(db)
        if images_dir is not None:
            problems += images_problems(db, images_dir, truth)
        return problems
    finally:
        db.close()



def archive_bomb(workdir: Path, url: str, title: str) -> int:
    """As if `url` had lately answered a gzip bomb: its stored page with `title` in its
    h1, padded to decode past the crawl's size cap, archived as a 200 and indexed
    in workdir/pmkz.db (the crawl refuses such an answer; the archive keeps what came).
    Returns the capture's id."""
    import gzip
    from datetime import datetime, timezone

    from pmkz.site import MAX_ANSWER_BYTES
    from pmkz.storage import Store
    from pmkz.storage.warc import ArchiveReader, Exchange, WarcWriter

    with Store(workdir / "pmkz.db") as store:
        (capture_id,) = store.db.execute("SELECT capture_id FROM items WHERE url = ?", [url]).fetchone()
        capture = store.capture(capture_id)
        with ArchiveReader(workdir / "warc") as reader:
            page = reader.read(capture["warc_file"], capture["warc_offset"], capture["warc_length"]).body
        page = re.sub(rb"(<h1[^>]*>).*?(</h1>)", lambda m: m[1] + title.encode("utf-8") + m[2], page, 1, re.S)
        body = gzip.compress(page + b"<!--" + b" " * MAX_ANSWER_BYTES + b"-->", compresslevel=9)
        writer = WarcWriter(workdir / "warc", run_id=999)
        bomb = writer.write(Exchange(
            url=url, method="GET", request_headers=[], request_body=b"", status=200, protocol="HTTP/1.1",
            headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            body=body, fetched_at=datetime.now(timezone.utc)))
        writer.close()
        return store.save_capture(bomb, run_id=None)
