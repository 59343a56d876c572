"""Messages waiting to go out, and the time the notify step may spend sending them.

Each message is a JSON file in the archive's outbox, written whole before anything is
sent and named by its run, so that queueing it again replaces it; it is removed once a
receiver took it. What cannot be delivered in time waits, in order, for the next run.

Sending has one total deadline (PMKZ_NOTIFY_DEADLINE) and ends at SIGTERM or SIGINT: a
receiver that answers a byte at a time, or not at all, never keeps a finished crawl
alive. A channel is a function `(message, deadline) -> bool` that does its blocking
work through `Deadline.run` (the webhook's, notify/webhook.py); any other channel can
share the outbox, the order and the deadline.
"""
from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from pmkz.crawler.parsing.text import xml_safe
from pmkz.storage.files import atomic_open, beside

log = logging.getLogger(__name__)

# How often a wait looks at the clock and the stop signals: the delay before a signal
# or the deadline ends delivery.
POLL_SECONDS = 0.1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def outbox_beside(db_path: Path) -> Path:
    """`webhook-outbox/` beside the default pmkz.db, `<name>-webhook-outbox/` beside any
    other: two archives in one folder never send each other's messages."""
    return beside(db_path, "webhook-outbox")


class Deadline:
    """The time left for delivery, and the stop signal that ended it early, if any."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.signal: int | None = None

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def over(self) -> bool:
        return self.signal is not None or self.remaining() <= 0

    def sleep(self, seconds: float) -> bool:
        """Wait `seconds`, or less if the deadline or a stop signal comes first; True
        when delivery may go on."""
        until = time.monotonic() + seconds
        while not self.over() and time.monotonic() < until:
            time.sleep(min(POLL_SECONDS, max(0.0, until - time.monotonic())))
        return not self.over()

    def run(self, work: Callable[[], None], cancel: Callable[[], None]) -> bool:
        """`work()` on a thread of its own, waited for until it ends, the deadline passes
        or a stop signal comes; in the last two cases `cancel()` is asked to unblock it
        (a daemon thread: one that still hangs cannot keep the process alive). True when
        `work` ended."""
        worker = threading.Thread(target=work, name="pmkz-notify", daemon=True)
        worker.start()
        while worker.is_alive() and not self.over():
            worker.join(POLL_SECONDS)
        if worker.is_alive():
            cancel()
            worker.join(POLL_SECONDS)
            return False
        return True

    def retry(self, attempt: Callable[[], str | None], *, what: str, attempts: int = 4,
              backoff: float = 1.0) -> bool:
        """`attempt()` (None when it delivered, else why not) until it delivers, at most
        `attempts` times, waiting `backoff` seconds and twice as long after each failure;
        False when the last fails or the deadline or a stop signal comes first."""
        for number in range(1, attempts + 1):
            reason = attempt()
            if reason is None:
                return True
            log.warning("%s attempt %d of %d failed: %s", what, number, attempts, reason)
            if number == attempts or not self.sleep(backoff * 2 ** (number - 1)):
                return False
        return False

    @contextlib.contextmanager
    def stopped_by_signals(self) -> Iterator["Deadline"]:
        """SIGINT and SIGTERM end delivery instead of what handled them before (after a
        crawl, Scrapy's handlers, which stop a reactor that is no longer running)."""
        if threading.current_thread() is not threading.main_thread():
            yield self  # only the main thread may handle signals
            return

        def stop(signum, frame):
            self.signal = self.signal or signum

        previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _clean(value):
    """A message with every string fit for JSON in UTF-8 (no lone surrogates) and for
    the XML of a receiver that turns it into a feed."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


class Outbox:
    """The folder of messages waiting to go out, oldest name first."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def put(self, name: str, message: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_open(self.folder / f"{name}.json", "w", encoding="utf-8") as handle:
            json.dump(_clean(message), handle, ensure_ascii=False)

    def waiting(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []

    def deliver(self, send: Callable[[dict, Deadline], bool], deadline: Deadline) -> int:
        """Send the waiting messages in order until one is refused or the deadline or a
        stop signal comes; returns how many still wait."""
        waiting = self.waiting()
        for done, path in enumerate(waiting):
            if deadline.over() or not send(json.loads(path.read_text(encoding="utf-8")), deadline):
                log.error("%d message(s) wait in %s for the next run, from %s",
                          len(waiting) - done, self.folder, path.name)
                return len(waiting) - done
            path.unlink()
        return 0
