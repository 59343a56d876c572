"""What the tests share: the `pmkz` command in a fresh process, the replica with its
truth, crawls of it, waiting for a condition, and what "nothing lost, nothing broken"
means for an archive (stored records equal to the replica's truth, an intact database
without duplicates, an images dir holding exactly the complete files its rows name).

Each `*_problems` check returns a list of problems (empty when all is well), so a failing
test shows everything that is wrong at once.

Also here: replicas restarted at later epochs or with the hidden skins, a webhook
receiver, records for Store tests, the small browse archive (`build_archive`), `pmkz serve`
and what the browser tests need. Fixtures live in conftest.py; no test module imports
another.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import io
import json
import os
import re
import select
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from datasette.utils import tilde_encode
from PIL import Image

from pmkz.commands.replica import command as replica_command
from pmkz.replica import build_site, faults
from pmkz.replica.server import ReplicaServer
from pmkz.storage import Store, captures

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


def pmkz_here(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`pmkz ARGS` in this process (click's CliRunner), for what a command says and how
    it exits where the process itself is not the subject. An exception no command caught
    is written to stderr as its traceback, as a process would print it."""
    from click.testing import CliRunner

    from pmkz.cli import cli

    result = CliRunner().invoke(cli, list(args), env=env, prog_name="pmkz")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["pmkz", *args], result.exit_code, result.stdout, stderr)


@functools.cache
def dumped_truth(options: tuple[str, ...], skins: str | None) -> str:
    """`pmkz replica --dump-truth OPTIONS`, run in this process (what it prints, not its
    process, is what a test needs): the same site for the same options (and
    PMKZ_REPLICA_SKINS), so a test process dumps it once; a big replica's dump costs
    seconds."""
    dumped = pmkz_here("replica", "--dump-truth", *options)
    assert dumped.returncode == 0, dumped.stderr
    return dumped.stdout


def replica_truth(*options: str) -> list[dict]:
    """The records `pmkz replica OPTIONS` serves, as its --dump-truth prints them."""
    out = dumped_truth(options, os.environ.get("PMKZ_REPLICA_SKINS"))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


class ClosableReplicaServer(ReplicaServer):
    """pmkz's ReplicaServer, keeping its open connections so that a stop can close them."""

    def __init__(self, *args):
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(*args)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def hang_up(self) -> None:
        with self.connections_lock:
            connections, self.open_connections = self.open_connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Replica:
    """`pmkz replica OPTIONS` served from a thread of the test process, with its truth.

    The same site, server and faults as the command's (the options are parsed by the
    command itself), on loopback as ever, for crawls in processes of their own; only the
    replica's process is spared: its start (an interpreter, the replica's imports) cost
    more than most replicas serve. Stopping it closes the listening socket and every
    connection still open, as the end of its process would. The command's own process is
    tested in test_replica_cli.py and test_replica_server.py."""

    def __init__(self, *options: str):
        self.options = options
        given = replica_command.make_context("replica", ["--port", "0", *options]).params
        site = build_site(given["articles"], given["epoch"], given["seed"], given["per_day"], given["decisions"])
        self.server = ClosableReplicaServer(given["host"], given["port"], site, given["skin"],
                                            faults.parse(given["fault_spec"]), given["slow_seconds"])
        self.url = self.server.base_url
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def truth(self) -> list[dict]:
        return replica_truth(*self.options)

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()
        self.server.server_close()
        self.server.hang_up()

    def __enter__(self) -> "Replica":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


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
    # A decision's attached files are kept beside the images, named by `attachments`.
    named |= {(images_dir / path).resolve() for (path,) in db.execute(
        "SELECT path FROM attachments WHERE path IS NOT NULL")}
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
    """Environment for a crawl forked by CrawlZygote(faked_clock=True) whose clock starts
    at `moment` (an aware datetime, UTC) and runs on from there: FAKETIME in libfaketime's
    own form, with `env` beside it. The zygote holds libfaketime's other settings."""
    return {"FAKETIME": "@" + moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), **env}


# The revisit schedule over simulated hours (test_revisit_faketime.py and
# test_revisit_sweep_faketime.py): a backfill, the replica moved to epoch 1, then hourly
# incremental crawls on a faked clock. Neither images, decisions nor the raw archive are
# the schedule's subject (epoch 1 changes news items only), so the replica has no
# decisions and the crawls keep neither images nor WARC files: each crawl costs less, the
# counts the schedule is judged by (9 changes, the per-hour bound) are the same.
# The replica's epoch 0 is 2026-11-01 00:00 site time (UTC+5); epoch 1 happens that day,
# its edits by 19:00.
BACKFILL_AT = datetime(2026, 10, 31, 19, 0, tzinfo=timezone.utc)
FIRST_CYCLE = datetime(2026, 11, 1, 14, 0, tzinfo=timezone.utc)
REVISIT_BUDGET = 900
WEEK_CRAWL = ("--no-images", "--no-warc")


def changes_of_epoch_1(before: list[dict], after: list[dict]) -> dict[str, tuple[str, str]]:
    """path -> (what changed, published_date) between the two truths."""
    old = {path_of(r["url"]): r for r in before}
    new = {path_of(r["url"]): r for r in after}
    changes = {p: ("gone", r["published_date"]) for p, r in old.items() if p not in new}
    changes.update({p: ("changed", r["published_date"]) for p, r in new.items()
                    if p in old and (r["title"], r["body"]) != (old[p]["title"], old[p]["body"])})
    return changes


def run_week(tmp_path, crawls: "CrawlZygote", articles: int, cycles: int, period_days: float,
             budget: int = REVISIT_BUDGET) -> dict:
    """The week's crawls, forked by `crawls` (a CrawlZygote(faked_clock=True)), and what
    they found."""
    site = EpochReplica("--articles", str(articles), "--decisions", "0")
    env = {"PMKZ_REVISIT_PERIOD_DAYS": str(period_days), "PMKZ_REVISIT_BUDGET": str(budget)}
    try:
        before = site.at(0).truth()
        backfill = crawls.run(site.current.url, tmp_path, *WEEK_CRAWL, env=faked_clock(BACKFILL_AT, **env), timeout=900)
        assert summary(backfill)["status"] == "ok", backfill.stderr
        replica = site.at(1)
        after = replica.truth()
        changes = changes_of_epoch_1(before, after)
        per_cycle, new_per_cycle = [], []
        for hour in range(cycles):
            result = crawls.run(replica.url, tmp_path, *WEEK_CRAWL, env=faked_clock(FIRST_CYCLE + timedelta(hours=hour), **env))
            assert summary(result)["status"] == "ok", (hour, result.stdout, result.stderr)
            per_cycle.append(summary(result)["requests"])
            new_per_cycle.append(summary(result)["new"])
    finally:
        site.current.stop()
    db = connect(tmp_path / "pmkz.db")
    try:
        found = {}
        for row in db.execute("SELECT url, event, min(at) AS at FROM item_events WHERE event IN ('changed', 'gone')"
                              " GROUP BY url, event"):
            found[path_of(row["url"])] = (row["event"], datetime.fromisoformat(row["at"]))
        lists = [r[0] for r in db.execute("SELECT health FROM crawl_runs ORDER BY id")]
        stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
        paths = {path_of(row[0]) for row in db.execute("SELECT url FROM items")}
    finally:
        db.close()
    return {"changes": changes, "found": found, "per_cycle": per_cycle, "new_per_cycle": new_per_cycle,
            "stored": stored, "health": lists[1:],
            "missing": {path_of(r["url"]) for r in after} - paths}


def check_week(week: dict, period: timedelta, budget: int = REVISIT_BUDGET) -> dict:
    changes, found = week["changes"], week["found"]
    assert len(changes) == 9
    assert not week["missing"]  # every new item stored
    latency = {}
    for path, (event, published) in changes.items():
        assert path in found and found[path][0] == event, (path, event)
        latency[path] = found[path][1] - FIRST_CYCLE
        assert latency[path] <= period, (path, latency[path])
        young = datetime.fromisoformat(published).replace(tzinfo=timezone.utc) > FIRST_CYCLE - timedelta(days=3)
        if young and event == "changed":
            assert latency[path] <= timedelta(days=1), (path, latency[path])
    for requests, new, health in zip(week["per_cycle"], week["new_per_cycle"], week["health"]):
        # robots.txt, the list pages, the sections' pages (the menus and the sections beside
        # the news), the new items, and at most the budget of re-checks (the sitemaps' in it).
        counted = json.loads(health)["figures"]
        assert requests <= 1 + counted["list_pages"] + counted["section_pages"] + new + budget
    figures = {"found": len(found), "latest": max(latency.values()), "per_cycle_max": max(week["per_cycle"]),
               "requests": sum(week["per_cycle"]), "stored": week["stored"]}
    print(f"\nrevisit week: {figures}")
    return figures


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


def stored_urls(db, where: str = "1", params=()) -> set[str]:
    """The URLs of the `items` rows matching `where`, through any connection (a Store's
    `db` too)."""
    return {url for (url,) in db.execute(f"SELECT url FROM items WHERE {where}", params)}


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

    from pmkz.site import MAX_ANSWER_BYTES
    from pmkz.storage.warc import ArchiveReader, Exchange, WarcWriter

    with Store(workdir / "pmkz.db") as store:
        (capture_id,) = store.db.execute("SELECT capture_id FROM items WHERE url = ?", [url]).fetchone()
        capture = captures.get(store.db, capture_id)
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EpochReplica:
    """The replica on one fixed port, restarted at a later epoch: the same site, moved on."""

    def __init__(self, *options):
        self.port = free_port()
        self.options = options
        self.current = None

    def at(self, epoch: int) -> Replica:
        if self.current:
            self.current.stop()
        self.current = Replica("--port", str(self.port), "--epoch", str(epoch), *self.options)
        return self.current


SKINS = Path(__file__).parent / "skins"


def hidden_replica(*options: str) -> Replica:
    """A replica started with the hidden skins of tests/skins on offer (the variable
    reaches only it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMKZ_REPLICA_SKINS", str(SKINS))
        replica = Replica(*options)
        replica.truth = lambda: hidden_truth(*options)
    return replica


def hidden_truth(*options: str) -> list[dict]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMKZ_REPLICA_SKINS", str(SKINS))
        out = dumped_truth(options, str(SKINS))
    return [json.loads(line) for line in out.splitlines()]


def crude_text(page: bytes) -> str:
    """The page's text, roughly: tags dropped, <br> and white space as single spaces."""
    text = re.sub(r"<br\s*/?>", " ", page.decode("utf-8"))
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(text.split())


class Receiver:
    """A local webhook receiver that fails the first `failures` deliveries with 500."""

    def __init__(self, failures: int = 0):
        self.messages, self.attempts, self.failures = [], 0, failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= receiver.failures:
                    self.send_response(500)
                else:
                    receiver.messages.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# Moments and a record for Store tests that write items by hand.
T0, T1, T2, T3 = (f"2026-11-29T1{h}:00:00+00:00" for h in range(4))


def item_record(n: int = 1, **changes) -> dict:
    base = {
        "url": f"http://127.0.0.1:8123/ru/news/reviews/slug-{n}",
        "site_id": n, "lang": "ru", "kind": "news", "category": "reviews",
        "title": "Премьер-Министр провёл совещание",
        "published_date": "2024-03-09", "published_at": "2024-03-09T14:35:00+05:00",
        "summary": "Лид.", "body": "Первый абзац.\n\nВторой абзац.",
        "image_urls": ["http://127.0.0.1:8123/img/1.jpg"],
    }
    return {**base, **changes}


# The browse archive: a few dozen ru/kk/en records written through the Store, with
# images, one item edited twice and one gone.
SITE = "https://primeminister.kz"
PREFIX = {"ru": "ru", "kk": "kz", "en": "en"}
OLD = "2024-05-01T10:00:00+00:00"

# (lang, published_date, kind, category, title, paragraphs)
ARTICLES = [
    ("ru", "2024-01-10", "news", "reviews", "Премьер-министр провёл заседание Правительства",
     ["Премьер-министр Олжас Бектенов провёл заседание Правительства.",
      "Рассмотрены вопросы развития экономики и исполнения бюджета."]),
    ("ru", "2024-01-18", "news", "reviews", "Правительство обсудило развитие туризма",
     ["Обсуждены меры поддержки внутреннего туризма.", "Глава Правительства поручил ускорить работу."]),
    ("ru", "2024-02-02", "news", "press-releases", "О подготовке к весенне-полевым работам",
     ["Аграрии готовятся к посевной кампании.", "Запасы семян сформированы полностью."]),
    ("ru", "2024-02-14", "gallery", None, "Фоторепортаж: рабочая поездка в Актобе",
     ["Рабочая поездка в Актюбинскую область.", "Осмотрены новые производства."]),
    ("ru", "2024-03-01", "news", "reviews", "Поздравление с праздником Наурыз",
     ["Праздник Наурыз символизирует обновление и единство.", "Желаем мира и благополучия каждой семье."]),
    ("ru", "2024-03-05", "news", "reviews", "Итоги социально-экономического развития",
     ["Рост ВВП составил 5,1 процента.", "Инфляция замедлилась до 9,5 процента."]),
    ("ru", "2024-03-20", "news", "press-releases", "Совещание по паводковой ситуации",
     ["Проведено совещание по паводкам.", "Выделены дополнительные средства регионам."]),
    ("ru", "2024-04-03", "news", "reviews", "Цифровизация государственных услуг",
     ["Доля электронных услуг достигла 90 процентов.", "ПРЕМЬЕР отметил важность цифровизации."]),
    ("ru", "2024-04-11", "news", None, "Развитие транспортной инфраструктуры",
     ["Строятся новые дороги республиканского значения.", "Ремонт завершат к осени."]),
    ("ru", "2024-04-22", "gallery", None, "Фоторепортаж: встреча с инвесторами",
     ["Встреча с иностранными инвесторами.", "Подписаны соглашения."]),
    ("kk", "2024-01-12", "news", "reviews", "Үкімет отырысы өтті",
     ["Премьер-министр Үкімет отырысын өткізді.", "Экономиканы дамыту мәселелері қаралды."]),
    ("kk", "2024-02-05", "news", "reviews", "Көктемгі егіс жұмыстарына дайындық",
     ["Диқандар егіс науқанына дайындалуда.", "Тұқым қоры толық жасақталды."]),
    ("kk", "2024-02-20", "gallery", None, "Фотосурет: Ақтөбеге жұмыс сапары",
     ["Ақтөбе облысына жұмыс сапары.", "Жаңа өндірістер аралады."]),
    ("kk", "2024-03-14", "news", "reviews", "Наурыз мейрамы құтты болсын",
     ["Наурыз – жаңару мен бірліктің мерекесі.", "Әр отбасына бақ пен береке тілейміз."]),
    ("kk", "2024-03-21", "news", "press-releases", "Су тасқыны бойынша кеңес",
     ["Су тасқыны бойынша кеңес өтті.", "Өңірлерге қосымша қаражат бөлінді."]),
    ("kk", "2024-04-04", "news", "reviews", "Мемлекеттік қызметтерді цифрландыру",
     ["Электрондық қызметтер үлесі 90 пайызға жетті.", "Цифрландыру жалғасады."]),
    ("kk", "2024-04-15", "news", None, "Көлік инфрақұрылымын дамыту",
     ["Жаңа жолдар салынуда.", "Жөндеу күзге дейін аяқталады."]),
    ("kk", "2024-04-25", "news", "reviews", "Инвесторлармен кездесу",
     ["Шетелдік инвесторлармен кездесу өтті.", "Келісімдерге қол қойылды."]),
    ("en", "2024-01-15", "news", "reviews", "Prime Minister holds Government meeting",
     ["Prime Minister Olzhas Bektenov held a Government meeting.", "Economic development was discussed."]),
    ("en", "2024-02-08", "news", "reviews", "Preparations for the sowing campaign",
     ["Farmers are preparing for the sowing season.", "Seed stocks are complete."]),
    ("en", "2024-03-13", "news", "reviews", "Nauryz greetings",
     ["Nauryz is a holiday of renewal and unity.", "We wish peace to every family."]),
    ("en", "2024-03-22", "news", "press-releases", "Meeting on the flood situation",
     ["A meeting on floods took place.", "Regions receive additional funds."]),
    ("en", "2024-04-05", "gallery", None, "Photo report: meeting with investors",
     ["Meeting with foreign investors.", "Agreements were signed."]),
    ("en", "2024-04-16", "news", "reviews", "Markup stays text",
     ["Tags like <script>alert('pmkz')</script> and <b>bold</b> are shown as text.",
      "An ampersand & a quote \" stay as printed."]),
]
# Index into ARTICLES -> image files (as (kind, colour)); None: listed but not downloaded.
IMAGES = {0: [("png", "red"), ("jpeg", "blue")], 3: [("png", "green")], 4: [("jpeg", "teal")],
          13: [("png", "orange")],
          22: [("jpeg", "purple"), None]}
EDITED = 1  # edited twice: once long ago, once this week
GONE = 21
TODAY = (5, 15)  # first found today


def sample_record(index: int) -> dict:
    lang, day, kind, category, title, paragraphs = ARTICLES[index]
    segment = f"{category}/" if category else ""
    url = f"{SITE}/{PREFIX[lang]}/news/{segment}article-{index}-{30000 + index}"
    return {
        "url": url, "site_id": 30000 + index, "lang": lang, "kind": kind, "category": category,
        "title": title, "published_date": day, "published_at": f"{day}T10:{index:02d}:00+05:00",
        "summary": paragraphs[0], "body": "\n\n".join(paragraphs),
        "image_urls": [f"{SITE}/uploads/{index}-{n}.jpg" for n in range(len(IMAGES.get(index, [])))],
    }


def write_image(images_dir: Path, name: str, kind: str, colour: str) -> str:
    path = f"{name[:2]}/{name}.{'jpg' if kind == 'jpeg' else 'png'}"
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buffer, kind.upper())
    (images_dir / path).parent.mkdir(parents=True, exist_ok=True)
    (images_dir / path).write_bytes(buffer.getvalue())
    return path


def build_archive(root: Path) -> tuple[Path, Path, list[dict]]:
    """An archive at root/pmkz.db with images in root/images; returns the final records."""
    db_path, images_dir = root / "pmkz.db", root / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    records = [sample_record(i) for i in range(len(ARTICLES))]
    with Store(db_path) as store:
        for i, rec in enumerate(records):
            store.save_item(rec, now=None if i in TODAY else OLD)
            rows = []
            for n, image in enumerate(IMAGES.get(i, [])):
                if image is not None:
                    path = write_image(images_dir, f"ab{i:02d}{n:02d}", *image)
                    rows.append({"url": rec["image_urls"][n], "path": path, "sha1": "0" * 40})
            if rows:
                store.save_images(rec["url"], rows)
        edited = records[EDITED]
        edited = {**edited, "body": edited["body"] + "\n\nДобавлен новый абзац."}
        store.save_item(edited, now="2024-05-10T08:00:00+00:00")
        edited = {**edited, "title": "Правительство обсудило развитие внутреннего туризма",
                  "body": edited["body"].replace("ускорить", "завершить")}
        store.save_item(edited, now=now - timedelta(days=2))
        records[EDITED] = edited
        store.mark_gone(records[GONE]["url"])
    return db_path, images_dir, records


def item_path(url: str) -> str:
    return f"/pmkz/items/{tilde_encode(url)}"


def get(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status == status, f"{path}: {response.status}\n{response.text[:2000]}"
    return response


@contextlib.contextmanager
def serving(db_path: Path, images_dir: Path, *args: str, timeout: float = 30):
    """`pmkz serve` on a free port (via PMKZ_DB and PMKZ_IMAGES_DIR); yields its URL."""
    env = {**os.environ, "PMKZ_DB": str(db_path), "PMKZ_IMAGES_DIR": str(images_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "pmkz", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise AssertionError(f"pmkz serve printed no URL in {timeout} s")
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url + proc.stderr.read()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


# The browser tests: Debian's chromium and chromium-driver (scripts/install-test-tools.sh);
# the `browser` fixture is in conftest.py. A browser test module sets
# `pytestmark = NEEDS_BROWSER`.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("PMKZ_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = os.environ.get("PMKZ_CHROMEDRIVER") or shutil.which("chromedriver")
NEEDS_BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="headless Chromium not found: run scripts/install-test-tools.sh "
                              "(Debian's chromium and chromium-driver)"),
]


def serve_here(monkeypatch, *args: str, env: dict | None = None):
    """`pmkz serve ARGS` in this process, its server loop replaced by Datasette's test
    client on the Datasette the command built: what the command decides (the database,
    the images dir, the search index) without a process. Returns (client, Datasette)."""
    from datasette.utils.testing import TestClient as DatasetteClient

    import pmkz.commands.serve

    served = {}

    def run(ds, sock):
        sock.close()
        served["ds"] = ds

    monkeypatch.setattr(pmkz.commands.serve, "run", run)
    result = pmkz_here("serve", "--port", "0", *args, env=env)
    assert result.returncode == 0 and "ds" in served, result.stderr
    return DatasetteClient(served["ds"]), served["ds"]


def follow(driver, element, timeout: float = 30) -> None:
    """Click what leads to another page, and return once that page has loaded.

    A click only starts the navigation: read the URL or the page straight after it and
    a loaded machine still shows the page clicked on (CI failed on exactly that). The
    old page's root going stale says the new one has replaced it; readyState says it
    has finished parsing."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    root = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, timeout)
    wait.until(expected_conditions.staleness_of(root))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def screenshot(driver, name: str, folder: Path = ARTIFACTS / "browse") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # The whole page, not just the window: fit the window to the document's height.
    driver.set_window_size(1280, 600)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(height, 600))
    driver.save_screenshot(str(folder / f"{name}.png"))


# The reader's pages (changes, compare, saved search, archived page): the browse archive
# with a crawl run that edits the watched item, a saved search matching it, and the
# archived response of an item whose image the archive holds.
WATCHED = 6  # "Совещание по паводковой ситуации": a sum of money put in (substantive)
WATCH_QUERY = "паводок"
COSMETIC = 7  # an upper-case word put in lower case
ARCHIVED = 0  # its first image is held; a second <img> names one the archive lacks


def build_reader_archive(root: Path, elsewhere: str = SITE) -> tuple[Path, Path, list[dict], dict]:
    """`build_archive` and the above; returns it with {"watch": id, "run": id,
    "capture": id}. `elsewhere`: where the image the archive lacks is."""
    from pmkz.storage import runs, watches
    from pmkz.storage.warc import Exchange, WarcWriter

    db_path, images_dir, records = build_archive(root)
    now = datetime.now(timezone.utc)
    rec = records[ARCHIVED]
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{rec["title"]}</title></head>'
            f'<body><h1>{rec["title"]}</h1><script>document.title = "scripted"</script>'
            f'<img src="/uploads/{ARCHIVED}-0.jpg" srcset="/uploads/{ARCHIVED}-0-big.jpg 2x" alt="held">'
            f'<img src="{elsewhere}/uploads/not-held.jpg" alt="not held"><p>{rec["body"]}</p></body></html>')
    writer = WarcWriter(root / "warc", run_id=1)
    exchange = writer.write(Exchange(
        url=rec["url"], method="GET", request_headers=[], request_body=b"", status=200, protocol="HTTP/1.1",
        headers=[("Content-Type", "text/html; charset=utf-8")], body=page.encode("utf-8"),
        fetched_at=now - timedelta(days=1)))
    writer.close()
    with Store(db_path) as store:
        watch = watches.add(store.db, WATCH_QUERY, "ru", now.isoformat(timespec="seconds"))
        run = runs.start(store.db, SITE, "incremental", (now - timedelta(hours=1)).isoformat(timespec="seconds"))
        edited = records[WATCHED]
        edited = {**edited, "body": edited["body"].replace("дополнительные средства", "дополнительные 12 млрд тенге")}
        store.save_item(edited, run_id=run, now=now - timedelta(hours=1))
        records[WATCHED] = edited
        tidied = {**records[COSMETIC], "body": records[COSMETIC]["body"].replace("ПРЕМЬЕР", "Премьер")}
        store.save_item(tidied, run_id=run, now=now - timedelta(hours=1))
        records[COSMETIC] = tidied
        capture = store.save_capture(exchange, run_id=None)
        store.db.execute("UPDATE items SET capture_id = ? WHERE url = ?", [capture, rec["url"]])
    return db_path, images_dir, records, {"watch": watch["id"], "run": run, "capture": capture}


# Crawls forked from a process that imported the crawler once (tests/crawl_zygote.py):
# a `pmkz crawl` process like any other, with its own exit code, files and signals,
# without the second of imports that is most of a small crawl's cost. Tests where the
# process start is the subject (the CLI's own path, signals, a closed stdout) start
# `python -m pmkz`; crawls on a faked clock are forked from a zygote under libfaketime.
class CrawlZygote:
    """The zygote's client. Jobs run one at a time, in the order given.

    With `faked_clock`, the zygote runs under libfaketime, told to read FAKETIME again
    once a second (not every 10), and each job's `faked_clock(moment)` becomes an offset
    from the real clock at the fork: the child's clock starts at `moment` and runs on, as
    a process started under `faked_clock(moment)` would, without the second of imports
    that every such process paid. A job without FAKETIME runs on the real clock."""

    def __init__(self, folder: Path, faked_clock: bool = False):
        self.folder = folder
        self.faked_clock = faked_clock
        self.jobs = 0
        self.buffer = b""
        self.running: ForkedCrawl | None = None
        env = None
        if faked_clock:
            # Ten years behind until a job says otherwise: proof that the clock is faked.
            # The monotonic clock stays real, so libfaketime's fix for faked monotonic
            # waits is off (it would treble a crawl's CPU time for nothing).
            env = {**os.environ, "LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": "-3650d", "FAKETIME_CACHE_DURATION": "0",
                   "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_FORCE_MONOTONIC_FIX": "0", "TZ": "UTC"}
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crawl_zygote.py"))],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        ready, _, clock = (self.line(120) or "").partition(" ")
        assert ready == "ready", "the crawl zygote did not start"
        if faked_clock:
            behind = (time.time() - float(clock)) / 86400
            assert 3649 < behind < 3651, f"libfaketime did not fake the zygote's clock ({behind:.0f} days behind)"

    def job(self, args: list[str], env: dict | None, stdout: str, stderr: str) -> dict:
        """The zygote's job: the child's environment is the test's with `env` over it; on a
        faked clock, its FAKETIME ("@YYYY-MM-DD HH:MM:SS", UTC) becomes the offset from
        the real clock now, and "clock" what the child's clock must read before it starts."""
        job = {"args": args, "env": {**os.environ, **(env or {})}, "stdout": stdout, "stderr": stderr}
        faked = job["env"].get("FAKETIME")
        assert not faked or self.faked_clock, "a faked clock needs CrawlZygote(faked_clock=True)"
        if self.faked_clock:
            moment = datetime.strptime(faked, "@%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc) if faked else None
            job["clock"] = moment.timestamp() if moment else time.time()
            job["env"]["FAKETIME"] = f"{job['clock'] - time.time():+.6f}"
        return job

    def line(self, timeout: float | None) -> str | None:
        """The zygote's next line; None if none came within `timeout` (0: only look)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 4096)
            assert chunk, "the crawl zygote ended"
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode().strip()

    def start(self, base_url: str, workdir: Path, *extra: str, env: dict | None = None,
              stdout: str = os.devnull, stderr: str = os.devnull) -> "ForkedCrawl":
        """`pmkz crawl` into workdir in the background, used as a Popen is."""
        if self.running is not None:  # a test that failed midway left its crawl: end it first
            self.running.send_signal(signal.SIGKILL)
            self.running.wait()
        job = self.job(crawl_args(base_url, workdir, *extra), env, stdout, stderr)
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        self.process.stdin.flush()
        pid = self.line(60)
        assert pid, "the crawl zygote did not fork"
        self.running = ForkedCrawl(self, int(pid), job["args"])
        return self.running

    def run(self, base_url: str, workdir: Path, *extra: str, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        """As run_crawl: `pmkz crawl` into workdir, with extra environment."""
        self.jobs += 1
        out, err = self.folder / f"{self.jobs}.out", self.folder / f"{self.jobs}.err"
        crawl = self.start(base_url, workdir, *extra, env=env, stdout=str(out), stderr=str(err))
        try:
            code = crawl.wait(timeout)
        finally:
            if crawl.returncode is None:  # hung: it goes, and the zygote stays in step
                crawl.send_signal(signal.SIGKILL)
                crawl.wait()
        return subprocess.CompletedProcess(["pmkz", *crawl.args], code, out.read_text(encoding="utf-8"),
                                           err.read_text(encoding="utf-8"))

    def crawl(self, base_url: str, workdir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """As crawl: one that fails fails the test."""
        result = self.run(base_url, workdir, *extra, env=env)
        assert result.returncode == 0, f"pmkz crawl exited {result.returncode}:\n{result.stderr}"
        return result

    def stop(self) -> None:
        if self.running is not None and self.running.poll() is None:
            self.running.send_signal(signal.SIGKILL)
            self.running.wait()
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


class ForkedCrawl:
    """A forked crawl as a Popen is used: poll, send_signal, wait, returncode."""

    def __init__(self, zygote: CrawlZygote, pid: int, args: list[str]):
        self.zygote, self.pid, self.args, self.returncode = zygote, pid, args, None

    def poll(self) -> int | None:
        if self.returncode is None:
            line = self.zygote.line(0)
            if line is not None:
                self._ended(int(line))
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # not yet reaped: the pid is still this crawl's
            os.kill(self.pid, signum)

    def wait(self, timeout: float = 120) -> int:
        if self.returncode is None:
            line = self.zygote.line(timeout)
            if line is None:
                raise subprocess.TimeoutExpired(["pmkz", *self.args], timeout)
            self._ended(int(line))
        return self.returncode

    def _ended(self, code: int) -> None:
        self.returncode = code
        self.zygote.running = None
