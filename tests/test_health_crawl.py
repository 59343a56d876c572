"""One real crawl of a markup whose bodies no parser can read (a script renders them):
the run is marked degraded, says why, and alerts through the webhook; once the site
serves readable pages again, the failed pages are stored and the next run is ok."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys

import pytest
import sqlite_utils

from helpers import SKINS, EpochReplica, Receiver, crawl_args, pmkz_here

# 5 articles a language: every page unreadable is 100% whatever their number. The raw
# archive is not the subject.
ARTICLES = "5"


# The same as test_notify.py's (no test module imports another; one for tests/helpers.py).
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


@pytest.fixture
def receiver(monkeypatch):
    server = Receiver()
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", server.url)
    yield server
    server.stop()


def last_run(workdir) -> dict:
    db = sqlite_utils.Database(workdir / "pmkz.db")
    try:
        return list(db["crawl_runs"].rows_where(order_by="id desc", limit=1))[0]
    finally:
        db.close()


def test_unreadable_bodies_make_a_degraded_run_that_alerts(receiver, monkeypatch, tmp_path, forked):
    monkeypatch.setenv("PMKZ_REPLICA_SKINS", str(SKINS))  # for the replica; the crawler never looks
    site = EpochReplica("--articles", ARTICLES, "--skin", "portal-scripted")  # one port, so one site
    dumped = pmkz_here("replica", "--dump-truth", "--articles", ARTICLES, "--skin", "portal",
                       env={"PMKZ_REPLICA_SKINS": str(SKINS)})  # the truth, dumped in this process
    pages = len(dumped.stdout.splitlines())  # each an article page
    assert pages == 3 * int(ARTICLES)
    try:
        result = forked.crawl(site.at(0).url, tmp_path, "--no-images", "--no-warc")
        assert result.stdout.startswith(f"degraded: new 0, changed 0, unchanged 0, gone 0, failed {pages}")
        run = last_run(tmp_path)
        assert run["status"] == "degraded"
        assert run["error"] == (f"100% of {pages} article pages could not be parsed (at most 5%); "
                                f"100% of {pages} article pages had no body (at most 5%)")
        health = json.loads(run["health"])
        assert [b["check"] for b in health["breaches"]] == ["parse_failures", "body"]
        assert health["figures"]["missing"] == {"title": 0, "published": 0, "body": pages}
        [message] = receiver.messages
        assert message["run"]["status"] == "degraded" and message["new"] == []
        assert f"100% of {pages} article pages had no body (at most 5%)" in message["alerts"]

        site.options = ("--articles", ARTICLES, "--skin", "portal")  # the site is readable again
        result = forked.crawl(site.at(0).url, tmp_path, "--no-images", "--no-warc")
        assert result.stdout.startswith(f"ok: new {pages}, changed 0, unchanged 0, gone 0, failed 0")
        assert last_run(tmp_path)["status"] == "ok"
        assert receiver.messages[-1]["alerts"] == [] and len(receiver.messages[-1]["new"]) == pages
    finally:
        site.current.stop()
