"""The raw archive under SIGKILL: `pmkz crawl` killed at 10 moments of its progress (the
first WARC file there, then shares of the archive's records written), resumed each time.

After every kill, every capture row points at a whole record of its file, and what
precedes a file's cut tail (if any) reads as whole records. Once, a kill is followed by
half a record appended to the newest file, as a power cut mid-write would leave it. After
the final run every WARC file passes `warcio check` (the next crawl cut the short tail
off), no capture row points at a missing or cut record, and the archive holds the truth.
"""
from __future__ import annotations

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
    capture_problems, connect, count_rows, crawl_args, items_problems, Replica, run_crawl, summary, wait_while_running,
    warcio_check,
)
from pmkz.storage.warc import complete_end, iter_records, warc_files

ARTICLES = "20"  # per language: 60 pages, their images and lists, a few seconds
SHARES = tuple(n / 10 for n in range(1, 10))  # of the records a whole crawl writes
DEADLINE = 60.0
HALF_RECORD_AFTER = 4  # the kill after which half a record is appended


# Each killed run is a `pmkz crawl` process forked from one that imported the crawler
# once (as test_notify.py's crawls are): a process like any other, killed like any other,
# without its second of imports, 10 times over.
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
def test_sigkill_at_10_moments_leaves_every_record_whole_and_indexed(tmp_path):
    with Replica("--articles", ARTICLES) as replica:
        truth = replica.truth()
        # The size of a whole crawl's archive, measured once elsewhere, sets the shares.
        probe = tmp_path / "probe"
        run_crawl(replica.url, probe)
        total = records_written(probe)
        moments = [("first file", lambda: bool(warc_files(tmp_path / "warc")))]
        moments += [(f"{share:.0%} of the bytes", lambda share=share: records_written(tmp_path) >= share * total)
                    for share in SHARES]
        kills = []
        zygote = Zygote()
        try:
            for number, (what, reached) in enumerate(moments):
                process = zygote.start(replica.url, tmp_path, env={"PMKZ_STORE_BATCH_ITEMS": "5"})
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
        finally:
            zygote.stop()
        print(f"\nkills (moment, reached before the crawl ended, WARC bytes): {kills}")
        assert sum(kill[1] for kill in kills) >= 8, kills

        final = run_crawl(replica.url, tmp_path)
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
