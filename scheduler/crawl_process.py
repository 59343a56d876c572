"""One crawl in its own process, with a time limit.

A Twisted reactor cannot be restarted, and a crawl that hangs must not hang the daemon,
so every crawl is a child `pmkz crawl`. Past its time limit the child is asked to stop
(SIGTERM: Scrapy closes down and finishes its run row), then killed; either way the run
is recorded as failed.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone

from pmkz.crawler.process_guard import PARENT_ENV
from pmkz.scheduler.config import DaemonConfig
from pmkz.storage import Store, runs
from pmkz.storage.store import utc_stamp

log = logging.getLogger(__name__)
GRACE_SECONDS = 30


class CrawlProcess:
    def __init__(self, config: DaemonConfig, mode: str):
        self.config = config
        self.mode = mode
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def command(self) -> list[str]:
        config = self.config
        args = [
            sys.executable, "-m", "pmkz", "crawl", "--base-url", config.base_url,
            "--db", str(config.db), "--images-dir", str(config.images_dir),
            "--lang", ",".join(config.langs),
        ]
        return args + (["--full"] if self.mode == "full" else [])

    def run(self, time_limit_seconds: float) -> int:
        """Run the crawl to its end or its time limit; returns the exit code."""
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        # The child stops itself once this process is gone (crawler/process_guard.py).
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **self.config.crawl_env(), PARENT_ENV: str(os.getpid())},
        )
        try:
            out, err = self.process.communicate(timeout=time_limit_seconds)
        except subprocess.TimeoutExpired:
            self._stop()
            error = f"killed after its time limit of {time_limit_seconds / 60:g} minutes"
            log.error("%s crawl %s", self.mode, error)
            self._fail_runs_since(started, error)
            return -1
        if self.stopping.is_set():
            log.info("%s crawl stopped with the daemon: %s", self.mode, out.strip())
        elif self.process.returncode == 0:
            log.info("%s crawl %s", self.mode, out.strip())
        else:
            log.error("%s crawl failed: %s", self.mode, (err.strip() or out.strip()).splitlines()[-1:])
        return self.process.returncode

    def stop(self) -> None:
        """Called from a signal handler: ask the running crawl to finish now."""
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            # A daemon thread: the daemon may exit as soon as the crawl has stopped.
            timer = threading.Timer(GRACE_SECONDS, self._kill_if_alive)
            timer.daemon = True
            timer.start()

    def _kill_if_alive(self) -> None:
        if self.process.poll() is None:
            log.warning("%s crawl did not stop within %ss: killed", self.mode, GRACE_SECONDS)
            self.process.kill()

    def _stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.communicate(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()

    def _fail_runs_since(self, started: str, error: str) -> None:
        with Store(self.config.db) as store:
            runs.fail_started_since(store.db, utc_stamp(started), error)
