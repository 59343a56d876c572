"""Parsing and image writing in worker processes, beside Scrapy's single thread.

Scrapy runs every callback on one thread. Parsing a page costs about as much CPU as
everything Scrapy itself does for it, and writing an image file safely (write, fsync,
rename) about 2 ms of the kernel's time, so doing either on that thread would slow a
backfill on any machine with a second CPU. Both are pure functions of the bytes
downloaded (crawler/parsing, crawler/pipelines/image_files.py), so they run in worker
processes while the reactor goes on downloading and storing. `PMKZ_WORKERS=0`, or a
machine with one CPU, does them in the crawl's process.

Each worker is a process at the end of a pipe that the event loop watches: a task goes
down as one pickled message and its answer comes back as one, with no thread between
(concurrent.futures' pool cost the reactor about half a millisecond a page in thread
hand-offs; a thread for the image writes saved nothing). A worker holds at most
TASKS_PER_WORKER tasks; more wait here, so the reactor never blocks on a full pipe.

The workers start with the first article page that needs parsing (an idle cycle answered
by 304s never starts one) and die with the crawl, even a SIGKILLed one (Linux's
parent-death signal), so no orphan outlives it; a half-written image file is named by
its writer's pid, and the next crawl removes it. A worker that dies fails the tasks it
held (WorkerDied: a page recorded as a parse failure, an image as an image failure, both
tried again on the next run); the next task starts a new worker.
"""
from __future__ import annotations

import asyncio
import ctypes
import hashlib
import multiprocessing
import os
import pickle
import signal
from collections import deque
from pathlib import Path

from pmkz.crawler.parsing import NotAnArticle, parse_article, parse_listing
from pmkz.crawler.pipelines.image_files import write_atomically
from pmkz.crawler.parsing.listing import Listing
from pmkz.crawler.parsing.selectors import KNOWN, load_selectors

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
TASKS_PER_WORKER = 4  # one being worked on, the rest waiting in the pipe


class WorkerDied(Exception):
    """The worker doing a task ended without an answer (killed, out of memory, crashed)."""


def default_workers() -> int:
    """One CPU is Scrapy's; the others work. One CPU in all: no workers."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


class Workers:
    """`await workers.parse_article(body, url, encoding)` and `parse_listing(...)`:
    what crawler.parsing's functions return or raise; `store_image(...)`: the sha1 of
    the image written. Any of them may raise WorkerDied.

    Used from one event loop (the crawl's) for its whole life."""

    def __init__(self, workers: int, selectors_path: str | None = None):
        self.workers = workers
        self.selectors_path = selectors_path
        # Loaded here too, so that a bad selectors file stops the crawl at its start.
        self.selectors = load_selectors(selectors_path) if selectors_path else KNOWN
        self._running: list[_Worker] = []
        self._waiting: deque[tuple[bytes, asyncio.Future]] = deque()
        self._usage = {"peak_kb": 0, "cpu_s": 0.0}  # of workers that have ended

    async def parse_article(self, body: bytes, url: str, encoding: str | None) -> dict:
        outcome = await self._run(_article, body, url, encoding)
        if outcome[0] == "not an article":
            _, message, missing, found = outcome
            raise NotAnArticle(message, missing=missing, found=found)
        return outcome[1]

    async def parse_listing(self, body: bytes, url: str, encoding: str | None) -> Listing:
        # A list page alone does not start a worker: an idle cycle parses three lists,
        # gets 304s for every article, and should not pay for starting a process.
        return await self._run(_listing, body, url, encoding, start_worker=False)

    async def store_image(self, root: Path, relative: str, data: bytes) -> str:
        """Write an image's bytes to root/relative, atomically; returns their sha1."""
        if self.workers == 0:
            return await asyncio.to_thread(_store_image, str(root), relative, data)
        return await self._run(_store_image, str(root), relative, data)

    async def _run(self, function, *args, start_worker: bool = True):
        if self.workers == 0 or (not self._running and not start_worker):
            return function(*args, selectors=self.selectors)
        loop = asyncio.get_running_loop()
        while len(self._running) < self.workers:
            self._running.append(_Worker(self, loop))
        answer = loop.create_future()
        self._waiting.append((pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL), answer))
        self._dispatch()
        return await answer

    def _dispatch(self) -> None:
        """Hand waiting tasks to the least busy workers that have room."""
        while self._waiting:
            worker = min(self._running, key=lambda w: len(w.pending), default=None)
            if worker is None or len(worker.pending) >= TASKS_PER_WORKER:
                return
            message, answer = self._waiting.popleft()
            if not answer.cancelled():
                worker.send(message, answer)

    def _ended(self, worker: "_Worker", error: BaseException) -> None:
        """A worker's pipe closed: its tasks fail; waiting tasks go to a new worker."""
        self._running.remove(worker)
        self._count_usage(worker)
        worker.fail_pending(error)
        if self._waiting and len(self._running) < self.workers:
            self._running.append(_Worker(self, worker.loop))
        self._dispatch()

    def close(self) -> dict:
        """Stop the workers. Returns what they used, for the crawl's stats: the largest
        worker's peak memory in kB and their CPU seconds (zeros when none ran)."""
        for worker in self._running:
            self._count_usage(worker)
            worker.stop()
            worker.fail_pending(WorkerDied("the crawl closed its workers"))
        self._running.clear()
        for _, answer in self._waiting:
            if not answer.done():
                answer.set_exception(WorkerDied("the crawl closed its workers"))
        self._waiting.clear()
        return dict(self._usage)

    def _count_usage(self, worker: "_Worker") -> None:
        peak_kb, cpu_s = process_usage(worker.process.pid)
        self._usage["peak_kb"] = max(self._usage["peak_kb"], peak_kb)
        self._usage["cpu_s"] += cpu_s


class _Worker:
    """One worker process and the pipe to it; answers come back in the order sent."""

    def __init__(self, owner: Workers, loop: asyncio.AbstractEventLoop):
        self.owner, self.loop = owner, loop
        # spawn, not fork: forking a process that runs a reactor and threads can copy a
        # lock held by another thread into the child.
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, os.getpid(), owner.selectors_path), daemon=True)
        self.process.start()
        child_end.close()  # so that the worker's death reads as the end of the pipe here
        self.pending: deque[asyncio.Future] = deque()
        loop.add_reader(self.conn.fileno(), self._readable)

    def send(self, message: bytes, answer: asyncio.Future) -> None:
        try:
            self.conn.send_bytes(message)
        except OSError as error:  # the worker is gone; its end of the pipe says so soon
            answer.set_exception(WorkerDied(f"the worker process died: {error}"))
            return
        self.pending.append(answer)

    def _readable(self) -> None:
        try:
            while self.conn.poll():
                self._answer(self.conn.recv_bytes())
        except (EOFError, OSError) as error:
            self.stop()
            code = self.process.exitcode
            reason = f"exit code {code}" if code is not None else type(error).__name__
            self.owner._ended(self, WorkerDied(f"the worker process died ({reason})"))
            return
        self.owner._dispatch()

    def _answer(self, message: bytes) -> None:
        answer = self.pending.popleft()
        try:
            kind, value = pickle.loads(message)
        except Exception as error:  # e.g. an exception whose class will not rebuild
            kind, value = "raise", RuntimeError(f"unreadable answer from the parser: {error}")
        if answer.cancelled():
            return
        if kind == "raise":
            answer.set_exception(value)
        else:
            answer.set_result(value)

    def fail_pending(self, error: BaseException) -> None:
        while self.pending:
            answer = self.pending.popleft()
            if not answer.done():
                answer.set_exception(error)

    def stop(self) -> None:
        """Close the pipe (a live worker reads its end and exits) and reap the process."""
        if self.conn.closed:
            return
        self.loop.remove_reader(self.conn.fileno())
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def process_usage(pid: int) -> tuple[int, float]:
    """(peak resident kB, CPU seconds) of a running process, from Linux's /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux, or already gone
        return 0, 0.0
    peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return peak, ticks / os.sysconf("SC_CLK_TCK")


# The worker process --------------------------------------------------------------

# What a worker holds: the selectors, loaded once when it starts.
_worker_selectors = KNOWN


def _serve(conn, parent_pid: int, selectors_path: str | None) -> None:
    """A worker's life: answer each message until the crawl closes the pipe."""
    global _worker_selectors
    _die_with_parent(parent_pid)
    # Ctrl-C reaches the whole process group; the crawl, not its workers, decides how
    # to stop (Scrapy finishes its run row, then closes the pipes).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if selectors_path:
        _worker_selectors = load_selectors(selectors_path)
    while True:
        try:
            function, args = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            answer = ("return", function(*args))
        except Exception as error:  # a parser bug: the spider records the page as failed
            answer = ("raise", error)
        try:
            message = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an answer that does not pickle is a bug too
            message = pickle.dumps(("raise", RuntimeError(f"unpicklable answer: {error}")))
        conn.send_bytes(message)


def _die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pipe's end still ends it
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


# The functions a worker runs; inline, the crawl passes its own selectors to the parsers.

def _article(body: bytes, url: str, encoding: str | None, selectors=None) -> tuple:
    # NotAnArticle goes back as plain values: an exception with extra constructor
    # arguments does not survive pickling intact.
    try:
        return ("record", parse_article(body, url, encoding=encoding, selectors=selectors or _worker_selectors))
    except NotAnArticle as error:
        return ("not an article", str(error), error.missing, error.found)


def _listing(body: bytes, url: str, encoding: str | None, selectors=None) -> Listing:
    return parse_listing(body, url, encoding=encoding, selectors=selectors or _worker_selectors)


def _store_image(root: str, relative: str, data: bytes) -> str:
    write_atomically(Path(root), relative, data)
    return hashlib.sha1(data).hexdigest()
