"""What a crawl process watches besides the crawl: the signal that stopped it, and the
daemon that started it.

Scrapy answers SIGINT and SIGTERM by closing the spider ("shutdown") but does not say
which signal came; the exit code does (130 and 143, as shells expect). A crawl started
by the daemon (PMKZ_PARENT_PID) stops itself, as if sent SIGTERM, once that process is
gone, so a killed daemon leaves no crawl running beside its successor's.
"""
from __future__ import annotations

import logging
import os
import signal

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger(__name__)

PARENT_ENV = "PMKZ_PARENT_PID"
PARENT_CHECK_SECONDS = 1.0


class ProcessGuard:
    def __init__(self):
        self.signal: int | None = None  # the first stop signal received

    def install(self, crawler) -> None:
        crawler.signals.connect(self._engine_started, signal=signals.engine_started, weak=False)

    def _engine_started(self) -> None:
        from twisted.internet import reactor  # Scrapy's, installed by now

        # Scrapy installs its own handlers as the reactor starts: wrap them after that.
        reactor.callLater(0, self._wrap_handlers)
        parent = os.environ.get(PARENT_ENV, "")
        if parent.isdigit():
            self._parent_loop = task.LoopingCall(self._check_parent, int(parent))
            self._parent_loop.start(PARENT_CHECK_SECONDS, now=True)

    def exit_code(self) -> int | None:
        """128 + the signal that stopped the crawl, or None."""
        return 128 + self.signal if self.signal else None

    def _wrap_handlers(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            if callable(previous):
                signal.signal(signum, self._recording(previous))

    def _recording(self, previous):
        def handler(signum, frame):
            self.signal = self.signal or signum
            previous(signum, frame)
        return handler

    def _check_parent(self, parent: int) -> None:
        if os.getppid() != parent:
            logger.warning("The daemon that started this crawl (pid %d) is gone: stopping", parent)
            self._parent_loop.stop()
            os.kill(os.getpid(), signal.SIGTERM)
