"""Pages parsed in worker processes, beside Scrapy's single thread.

Scrapy runs every callback on one thread, and parsing a page costs about as
much CPU as everything Scrapy itself does for it, so parsing inline would halve a
backfill's speed on any machine. Parsing is a pure function of the page's bytes
(crawler/parsing), so it runs in a pool of worker processes while the reactor goes on
downloading and storing. `PMKZ_PARSE_WORKERS=0`, or a machine with one CPU, parses
inline.

The pool starts with the first article page that needs parsing (an idle cycle answered
by 304s never starts one) and workers die with the crawl, even a SIGKILLed one (Linux's
parent-death signal), so no orphan parser outlives it. A worker that dies mid-page
fails that page as a parse failure, recorded like any other and retried by the next
run, and the next page gets a fresh pool.
"""
from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from crawler.parsing import NotAnArticle, parse_article, parse_listing
from crawler.parsing.listing import Listing
from crawler.parsing.selectors import KNOWN, load_selectors

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ParserDied(Exception):
    """The worker parsing a page ended without an answer (killed, out of memory, crashed)."""


def default_workers() -> int:
    """One CPU is Scrapy's; the others parse. One CPU in all: parse inline."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


class ParseWorkers:
    """`await workers.parse_article(body, url, encoding)` and `parse_listing(...)`:
    what crawler.parsing's functions return or raise, or ParserDied."""

    def __init__(self, workers: int, selectors_path: str | None = None):
        self.workers = workers
        self.selectors_path = selectors_path
        # Loaded here too, so that a bad selectors file stops the crawl at its start.
        self.selectors = load_selectors(selectors_path) if selectors_path else KNOWN
        self._pool: ProcessPoolExecutor | None = None

    async def parse_article(self, body: bytes, url: str, encoding: str | None) -> dict:
        outcome = await self._run(_article, body, url, encoding)
        if outcome[0] == "not an article":
            _, message, missing, found = outcome
            raise NotAnArticle(message, missing=missing, found=found)
        return outcome[1]

    async def parse_listing(self, body: bytes, url: str, encoding: str | None) -> Listing:
        # A list page alone does not start the pool: an idle cycle parses three lists,
        # gets 304s for every article, and should not pay for starting a process.
        return await self._run(_listing, body, url, encoding, start_pool=False)

    async def _run(self, function, *args, start_pool: bool = True):
        if self.workers == 0 or (self._pool is None and not start_pool):
            return function(*args, selectors=self.selectors)
        pool = self._running_pool()
        try:
            future = pool.submit(function, *args)
        except BrokenProcessPool:  # a worker died since the last page: this one gets a fresh pool
            self._discard(pool)
            pool = self._running_pool()
            future = pool.submit(function, *args)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as error:
            # Every page in flight on the broken pool lands here; the pages after them
            # get a fresh pool.
            self._discard(pool)
            raise ParserDied(f"the parser process died: {error}") from None

    def close(self) -> dict:
        """Stop the workers. Returns what they used, for the crawl's stats: the largest
        worker's peak memory in kB and their CPU seconds (zeros when none ran)."""
        usage = {"peak_kb": 0, "cpu_s": 0.0}
        if self._pool is not None:
            for pid in list(getattr(self._pool, "_processes", None) or ()):
                peak_kb, cpu_s = _process_usage(pid)
                usage["peak_kb"] = max(usage["peak_kb"], peak_kb)
                usage["cpu_s"] += cpu_s
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        return usage

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    def _running_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: forking a process that runs a reactor and threads can
            # copy a lock held by another thread into the child.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(os.getpid(), self.selectors_path),
            )
        return self._pool


def _process_usage(pid: int) -> tuple[int, float]:
    """(peak resident kB, CPU seconds) of a running process, from Linux's /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux, or already gone
        return 0, 0.0
    peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return peak, ticks / os.sysconf("SC_CLK_TCK")


# What a worker process holds: the selectors, loaded once when it starts.
_worker_selectors = KNOWN


def _start_worker(parent_pid: int, selectors_path: str | None) -> None:
    global _worker_selectors
    _die_with_parent(parent_pid)
    # Ctrl-C reaches the whole process group; the crawl, not its workers, decides
    # how to stop (Scrapy finishes its run row, then closes the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if selectors_path:
        _worker_selectors = load_selectors(selectors_path)


def _die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own pipes still end it
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


# The functions a worker runs; inline, the pool passes its own selectors.

def _article(body: bytes, url: str, encoding: str | None, selectors=None) -> tuple:
    # NotAnArticle goes back as plain values: an exception with extra constructor
    # arguments does not survive pickling intact.
    try:
        return ("record", parse_article(body, url, encoding=encoding, selectors=selectors or _worker_selectors))
    except NotAnArticle as error:
        return ("not an article", str(error), error.missing, error.found)


def _listing(body: bytes, url: str, encoding: str | None, selectors=None) -> Listing:
    return parse_listing(body, url, encoding=encoding, selectors=selectors or _worker_selectors)
