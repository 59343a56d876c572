"""One crawl or reparse per database at a time.

A crawl (or a reparse, which rewrites records in bulk: run beside a crawl it could store
an older capture's record over the one the crawl just fetched) holds an exclusive lock
(flock) on `<database>.lock`, which names its pid and what it is, for as long as it runs;
the kernel releases it when the process ends however it ends, so a killed crawl never
leaves a stale lock behind. A second one is refused at once with a line naming the
first one's pid.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .connect import StorageError


class CrawlLock:
    def __init__(self, db_path: str | Path, holder: str = "crawl"):
        """`holder`: what takes the lock (`crawl`, `reparse`), named to the one refused."""
        self.path = Path(f"{db_path}.lock")
        self.holder = holder
        self._fd: int | None = None
        self._created = False

    def acquire(self) -> "CrawlLock":
        """Take the lock, or raise StorageError naming the crawl that holds it. Where no
        lock file can be created (a read-only folder) none is taken: opening the database
        there fails next, with its own message."""
        self._created = not self.path.exists()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, _, holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip().partition(" ")
            os.close(fd)
            raise StorageError(
                f"another {holder or 'crawl'} (pid {pid or 'unknown'}) is writing {self.path.with_suffix('')}; "
                "one crawl or reparse per database at a time") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.holder}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self, discard: bool = False) -> None:
        """Let go; `discard`: a crawl refused before it began takes its new file away."""
        if self._fd is not None:
            if discard and self._created:
                self.path.unlink(missing_ok=True)
            os.close(self._fd)  # closing releases the lock
            self._fd = None

    def __enter__(self) -> "CrawlLock":
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()
