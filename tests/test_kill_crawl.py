"""Crash safety: `pmkz crawl` killed with SIGKILL at 20 moments, from its start to late in
the crawl, and resumed each time, ends with the replica's full truth.

Every moment is a condition on the crawl's own progress (the process started, the
database file there, the run row written, a share of the work done), never a time: on a
busy machine a crawl may take ten times longer, or finish before any fixed second.

After every kill the database passes integrity_check, holds no half-written item, and
every image row names a complete file of its sha1. At the end: every record equal to
the truth, no duplicate rows, every image stored once and never downloaded again once
on disk, no file under images/ that no row names (half-written ones included), and every
run row closed with a final status.
"""
from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import (
    archive_problems, connect, count_rows, crawl_args, items_problems, path_of, Replica, run_crawl, summary,
    wait_while_running,
)

ARTICLES = "20"  # per language: 60 pages and about 90 images, a few seconds of crawling
# Early kills: as soon as the process started (forked, not yet crawling), the moment the
# database file appears (its schema being written), the moment the first run row is visible.
EARLY = (("started", None), ("database file", None), ("run row", None))
# Later kills, once this share of the crawl's work (items stored plus image files
# written) is done, then after a few more milliseconds so a kill lands mid-write too.
LATER = tuple(n / 18 for n in range(1, 18))
EXTRA = (0.0, 0.002, 0.005, 0.01, 0.02)
# Items committed every few, so that stored items show the crawl's progress as it goes
# (by default a batch of this size commits only at the end).
BATCH_ITEMS = "5"
DEADLINE = 60.0  # seconds one run may take to reach its moment: a hung crawl fails the test


# Each killed run is a `pmkz crawl` process forked from one that imported the crawler
# once (as test_notify.py's crawls are): a process like any other, killed like any other,
# without its second of imports, 20 times over.
ZYGOTE = r'''
import importlib, json, os, pkgutil, sys, traceback  # noqa: E401
import pmkz.cli, pmkz.commands.crawl
for package in ("pmkz.crawler", "pmkz.storage", "pmkz.notify"):
    for found in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        if found.name != "pmkz.crawler.settings" and not found.name.startswith(("pmkz.crawler.scrapy_commands", "pmkz.crawler.health.live")):
            importlib.import_module(found.name)
from scrapy.settings import default_settings
from scrapy.utils.misc import load_object
for value in vars(default_settings).values():
    for path in (value if isinstance(value, dict) else [value]):
        if isinstance(path, str) and path.startswith("scrapy.") and path.count(".") > 1:
            try:
                load_object(path)
            except Exception:
                pass
assert "twisted.internet.reactor" not in sys.modules and "pmkz.crawler.settings" not in sys.modules, "preloaded too much"
control = os.fdopen(os.dup(1), "w")
print("ready", file=control, flush=True)
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        control.close()
        os.environ.clear()
        os.environ.update(job["env"])
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            os.dup2(os.open(path, flags, 0o644), fd)
        sys.argv = ["pmkz", *job["args"]]
        code = 0
        try:
            import runpy
            runpy.run_module("pmkz", run_name="__main__", alter_sys=True)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            if not isinstance(stop.code, (int, type(None))):
                print(stop.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
        import atexit, threading
        threading._shutdown()  # what the interpreter does on its way out
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print(pid, file=control, flush=True)
    _, status = os.waitpid(pid, 0)
    control.write(json.dumps(os.waitstatus_to_exitcode(status)) + "\n")
    control.flush()
'''


class Zygote:
    """The process the killed crawls are forked from (ZYGOTE)."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)
        self.buffer = b""
        assert self.line(120) == "ready"

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

    def start(self, base_url: str, workdir: Path, env: dict) -> "ForkedCrawl":
        job = {"args": crawl_args(base_url, workdir), "env": {**os.environ, **env},
               "stdout": os.devnull, "stderr": os.devnull}
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        self.process.stdin.flush()
        pid = self.line(60)
        assert pid, "the crawl zygote did not fork"
        return ForkedCrawl(self, int(pid))

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


class ForkedCrawl:
    """A forked crawl as a Popen is used here: poll, send_signal, wait, returncode."""

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            line = self.zygote.line(0)
            if line is not None:
                self.returncode = int(line)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # not yet reaped: the pid is still this crawl's
            os.kill(self.pid, signum)

    def wait(self) -> int:
        if self.returncode is None:
            line = self.zygote.line(120)
            assert line is not None, "the killed crawl did not end"
            self.returncode = int(line)
        return self.returncode


def start(zygote: Zygote, replica: Replica, workdir: Path) -> ForkedCrawl:
    return zygote.start(replica.url, workdir, env={"PMKZ_STORE_BATCH_ITEMS": BATCH_ITEMS})


def count(workdir: Path, sql: str) -> int:
    return count_rows(workdir / "pmkz.db", sql)


def progress(workdir: Path) -> int:
    """Items committed plus image files in place."""
    files = sum(p.is_file() and ".partial" not in p.parts for p in (workdir / "images").rglob("*"))
    return count(workdir, "SELECT count(*) FROM items") + files


def moment(workdir: Path, what: str, value, total: int):
    """The condition a kill waits for, fixed before the run starts."""
    runs = count(workdir, "SELECT count(*) FROM crawl_runs")
    done = progress(workdir)
    if what == "started":
        return lambda: True
    if what == "database file":
        return lambda: (workdir / "pmkz.db").exists()
    if what == "share" and done < total:
        # At least one more item or file than the run started with.
        target = max(round(value * total), done + 1)
        return lambda: progress(workdir) >= target
    # The run row of this very run (or, all work done, a run re-checking what it has).
    return lambda: count(workdir, "SELECT count(*) FROM crawl_runs") > runs


def after_kill_problems(workdir: Path, truth: list[dict]) -> list:
    """What a kill may not leave: a damaged database, a stored item that differs from
    its record, an image row whose file is missing or incomplete."""
    if not (workdir / "pmkz.db").exists():
        return []
    db = connect(workdir / "pmkz.db")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        problems = [] if integrity == "ok" else [("integrity_check", integrity)]
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"items", "images"} <= tables:  # killed while the schema was being created
            return problems
        problems += [p for p in items_problems(db, truth) if p[0] != "missing"]
        for row in db.execute("SELECT path, sha1 FROM images"):
            file = workdir / "images" / row["path"]
            if not file.is_file() or hashlib.sha1(file.read_bytes()).hexdigest() != row["sha1"]:
                problems.append(("image row without its complete file", row["path"]))
        return problems
    finally:
        db.close()


def identities(workdir: Path) -> dict[str, tuple[int, int]]:
    """Image file -> (inode, mtime): a file written again gets a new inode."""
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (workdir / "images").rglob("*") if p.is_file() and ".partial" not in p.parts}


@pytest.mark.slow
def test_sigkill_at_20_moments_then_resume(tmp_path):
    replica = Replica("--articles", ARTICLES)
    zygote = Zygote()
    process = None
    try:
        truth = replica.truth()
        total = len(truth) + len({path_of(u) for r in truth for u in r["image_urls"]})
        moments = [(what, value, 0.0) for what, value in EARLY]
        moments += [("share", share, EXTRA[i % len(EXTRA)]) for i, share in enumerate(LATER)]
        assert len(moments) == 20
        kills, seen = [], {}
        for what, value, extra in moments:
            began = time.monotonic()
            condition = moment(tmp_path, what, value, total)
            process = start(zygote, replica, tmp_path)
            in_time = wait_while_running(process, condition, DEADLINE)
            time.sleep(extra)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append((what, value, in_time and process.returncode == -signal.SIGKILL,
                          progress(tmp_path), round(time.monotonic() - began, 1)))
            assert after_kill_problems(tmp_path, truth) == [], kills[-1]
            seen.update(identities(tmp_path))
        print(f"\nkills (moment, killed before it ended, work done of {total}, seconds in): {kills}")
        assert all(kill[2] for kill in kills), kills

        final = run_crawl(replica.url, tmp_path)
        assert final.returncode == 0, final.stderr
        assert summary(final)["status"] == "ok"
    finally:
        if process is not None and process.poll() is None:  # a failed wait: the crawl goes too
            process.send_signal(signal.SIGKILL)
            process.wait()
        zygote.stop()
        replica.stop()

    assert archive_problems(tmp_path / "pmkz.db", truth, tmp_path / "images") == []
    db = connect(tmp_path / "pmkz.db")
    try:
        assert db.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        runs = [r["status"] for r in db.execute("SELECT status FROM crawl_runs ORDER BY id")]
    finally:
        db.close()
    # A run killed after it opened its row was closed as interrupted by the next one (one
    # killed after closing its own row, while writing feeds, stays ok).
    assert runs[-1] == "ok" and set(runs[:-1]) <= {"interrupted", "ok"} and len(runs) <= 21, runs
    # An image on disk was never fetched and written again.
    now = identities(tmp_path)
    assert {path: now.get(path) for path in seen} == seen
