"""Crawls around the revisit schedule: a mass disappearance is an alert that marks nothing
gone, a page back after it was gone is recorded, and a killed incremental run resumes its
walk down the list so that every new item is stored.

One epoch-0 crawl of the module's replica (on one fixed port) is shared: each test
crawls a copy of it on, at the epoch, seed or through the proxy it needs."""
from __future__ import annotations

import http.server
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from helpers import EpochReplica, Replica, connect, crawl_args, path_of, start_crawl, summary, wait_for


# Copied from tests/test_notify.py and tests/test_warc_archive.py (no test module imports another) until it moves to
# tests/helpers.py: a crawl whose process is not the subject runs forked from it.
# A process that imports what `pmkz crawl` imports (Scrapy, its default components, the
# crawler, storage and notify; never crawler/settings.py, which reads the environment,
# nor a Twisted reactor) and then, for each job on stdin, forks a child that runs
# `python -m pmkz ARGS` with the job's environment and its stdout and stderr in files: a
# crawl process like any other, without its second of imports. It prints each child's
# pid, then its exit code.
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


class Forked:
    """`pmkz crawl` in a child forked from the ZYGOTE process."""

    def __init__(self, folder):
        self.folder = folder
        self.jobs = 0
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self._line(120) == "ready"

    def _line(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "the forked crawl did not answer in time"
        line = self.process.stdout.readline()
        assert line, "the crawl zygote ended"
        return line.strip()

    def run(self, base_url: str, workdir, *extra: str, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        """As helpers.run_crawl: `pmkz crawl` into workdir, with extra environment."""
        self.jobs += 1
        out, err = self.folder / f"{self.jobs}.out", self.folder / f"{self.jobs}.err"
        args = crawl_args(base_url, workdir, *extra)
        self.process.stdin.write(json.dumps({"args": args, "env": {**os.environ, **(env or {})},
                                             "stdout": str(out), "stderr": str(err)}) + "\n")
        self.process.stdin.flush()
        pid = int(self._line(60))
        try:
            code = int(self._line(timeout))
        except AssertionError:
            os.kill(pid, signal.SIGKILL)
            raise
        return subprocess.CompletedProcess(["pmkz", *args], code, out.read_text(encoding="utf-8"),
                                           err.read_text(encoding="utf-8"))

    def crawl(self, base_url: str, workdir, *extra: str) -> subprocess.CompletedProcess:
        """As helpers.crawl: one that fails fails the test."""
        result = self.run(base_url, workdir, *extra)
        assert result.returncode == 0, f"pmkz crawl exited {result.returncode}:\n{result.stderr}"
        return result

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def forked(tmp_path_factory):
    crawls = Forked(tmp_path_factory.mktemp("forked"))
    yield crawls
    crawls.stop()


def items(workdir) -> dict[str, dict]:
    db = connect(workdir / "pmkz.db")
    try:
        return {path_of(r["url"]): dict(r) for r in db.execute("SELECT * FROM items")}
    finally:
        db.close()


def rows(workdir, sql: str) -> list[dict]:
    db = connect(workdir / "pmkz.db")
    try:
        return [dict(r) for r in db.execute(sql)]
    finally:
        db.close()


class Site(EpochReplica):
    """The module's replica on its one port, restarted only when asked for other options
    (another epoch, another seed)."""

    def serve(self, *options: str) -> Replica:
        options = ("--port", str(self.port), *options, *self.options)
        if self.current is None or self.current.options != options:
            if self.current:
                self.current.stop()
            self.current = Replica(*options)
        return self.current

    def at(self, epoch: int) -> Replica:
        return self.serve("--epoch", str(epoch))


@pytest.fixture(scope="module")
def epochs():
    site = Site("--articles", "20")
    yield site
    site.current.stop()


@pytest.fixture(scope="module")
def epoch_0(epochs, forked, tmp_path_factory):
    """The replica at epoch 0 crawled once; tests crawl copies of it on."""
    workdir = tmp_path_factory.mktemp("epoch-0")
    forked.crawl(epochs.at(0).url, workdir, "--no-images")
    return workdir


@pytest.fixture
def archive(epoch_0, tmp_path):
    """A copy of the epoch-0 crawl (database, WARC files, logs) for one test to move on."""
    workdir = tmp_path / "archive"
    shutil.copytree(epoch_0, workdir)
    return workdir


class Redirecting(http.server.ThreadingHTTPServer):
    """Passes requests through to the replica; once `redirect` is set, every article page
    answers 302 to the front page instead."""

    def __init__(self, upstream: str):
        self.upstream, self.redirect = upstream, False
        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.server.redirect and "/news/" in self.path and "/news/page" not in self.path:
            self.send_response(302)
            self.send_header("Location", "/ru/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            with urllib.request.urlopen(self.server.upstream + self.path) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        self.send_response(status)
        for name in ("Content-Type", "Last-Modified", "ETag"):
            if headers.get(name):
                self.send_header(name, headers[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_every_article_redirecting_to_one_place_degrades_the_run_and_marks_nothing_gone(epochs, archive, forked):
    # The archive of epoch 0, re-checked through a proxy on which every article page
    # redirects to the front page (an item is its path: the proxy's address is the site's).
    proxy = Redirecting(epochs.at(0).url)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        proxy.redirect = True
        result = forked.crawl(proxy.url, archive, "--no-images", "--full")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(archive, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages redirect to " in run["error"] and "/ru/" in run["error"]
    assert {r["status"] for r in items(archive).values()} == {"live"}


def test_every_article_answering_404_degrades_the_run_and_marks_nothing_gone(epochs, archive, forked):
    # Another seed on the same address: lists link other articles, every stored one is 404.
    result = forked.crawl(epochs.serve("--seed", "1").url, archive, "--no-images", "--full")
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(archive, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages answered 404/410" in run["error"] and "nothing marked gone" in run["error"]
    assert {r["status"] for r in items(archive).values()} == {"live"}


def test_a_page_back_after_it_was_gone_gets_an_event_and_a_version_note(epochs, archive, forked):
    gone = summary(forked.crawl(epochs.at(1).url, archive, "--no-images", "--full"))
    assert gone["status"] == "ok" and gone["gone"] == 3
    removed = {p for p, r in items(archive).items() if r["status"] == "gone"}
    back = summary(forked.crawl(epochs.at(0).url, archive, "--no-images", "--full"))
    assert back["status"] == "ok"
    stored = items(archive)
    assert all(stored[p]["status"] == "live" for p in removed)
    returned = rows(archive, "SELECT url FROM item_events WHERE event = 'returned'")
    assert {path_of(r["url"]) for r in returned} == removed
    notes = rows(archive, "SELECT item_url, note FROM item_versions WHERE note IS NOT NULL")
    assert {path_of(r["item_url"]) for r in notes} == removed
    assert all("then returned" in r["note"] for r in notes)


def test_a_killed_incremental_walk_over_several_list_pages_resumes_and_stores_every_new_item(epochs, archive, forked):
    before = len(items(archive))
    # Twenty days on: 60 new articles a language, several list pages of them.
    replica = epochs.at(20)
    process = start_crawl(replica.url, archive, "--no-images", env={"PMKZ_STORE_BATCH_ITEMS": "1"})
    try:
        wait_for(lambda: process.poll() is not None or len(items(archive)) >= before + 10,
                 timeout=120, what="the first new items", interval=0.02)
        assert process.poll() is None, "the crawl ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    killed_with = len(items(archive))
    assert killed_with < before + 180
    resumed = forked.crawl(replica.url, archive, "--no-images")
    assert summary(resumed)["status"] == "ok"
    stored = items(archive)
    assert {path_of(r["url"]) for r in replica.truth()} <= set(stored)
