"""The daemon: a frequent incremental crawl (its re-checks reach every stored page within
the revisit period, crawler/revisit.py), and a daily full re-check only when the
configuration asks for one; never two crawls at once.

Job ids come from the job's configuration, so a restart never duplicates a job; jobs
coalesce, run one instance at a time and get a generous misfire grace. The jobs live
in memory (rebuilt from the config at every start): the daemon keeps no state in the
data database. SIGTERM or SIGINT stops it: the running crawl is asked to finish its run
row, and killed if it does not within the grace time.

APScheduler's triggers count on the wall clock: set back an hour, the interval job would
wait an hour more for its next crawl; set forward, the runs in between would count as
missed. A watch on the monotonic clock, which nothing sets, notices a jump of the wall
clock either way and makes the incremental crawl due at once, its interval counting on
from there. The daily full re-check stays at its hour on the wall clock.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pmkz.scheduler.config import DaemonConfig
from pmkz.scheduler.crawl_process import CrawlProcess

log = logging.getLogger("pmkz.daemon")

# How often, at most, the wall clock is compared with the monotonic one.
CLOCK_CHECK_SECONDS = 10.0
# More than time keeping's own slewing ever moves the wall clock between two looks; a
# step, a manual set or a resume from suspend moves it further.
CLOCK_JUMP_SECONDS = 1.0


class ClockWatch:
    """How far the wall clock jumped since the last look: how much further it moved than
    the monotonic clock (negative: it was set back)."""

    def __init__(self, wall=time.time, monotonic=time.monotonic):
        self.wall, self.monotonic = wall, monotonic
        self.last = (wall(), monotonic())

    def jumped(self) -> float:
        now = (self.wall(), self.monotonic())
        moved = (now[0] - self.last[0]) - (now[1] - self.last[1])
        self.last = now
        return moved


class Daemon:
    def __init__(self, config: DaemonConfig):
        self.config = config
        # One crawl at a time across both jobs: they write the same archive.
        self.crawl_lock = threading.Lock()
        self.current: CrawlProcess | None = None
        self.stopping = threading.Event()
        self.zone = ZoneInfo(config.timezone)
        self.scheduler = BlockingScheduler(
            timezone=self.zone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        self.scheduler.add_listener(self._on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_ERROR)
        every = config.incremental_every_minutes
        self.incremental_id = f"incremental-every-{every:g}m"
        self.scheduler.add_job(
            self.crawl, IntervalTrigger(seconds=every * 60), args=["incremental"],
            id=self.incremental_id, name="incremental crawl",
            next_run_time=datetime.now(self.zone), replace_existing=True,
        )
        if config.full_daily_at is not None:
            hour, minute = config.full_hour_minute
            self.scheduler.add_job(
                self.crawl, CronTrigger(hour=hour, minute=minute), args=["full"],
                id=f"full-daily-{hour:02d}{minute:02d}", name="full re-check", replace_existing=True,
            )

    def crawl(self, mode: str) -> None:
        # A full re-check waits for a running incremental crawl; an incremental crawl
        # due while a full one runs is skipped, as the full one covers it.
        if not self.crawl_lock.acquire(blocking=(mode == "full")):
            log.info("incremental crawl skipped: another crawl is still running")
            return
        try:
            limit = self.config.full_time_limit_minutes if mode == "full" else self.config.incremental_time_limit_minutes
            self.current = CrawlProcess(self.config, mode)
            self.current.run(limit * 60)
        finally:
            self.current = None
            self.crawl_lock.release()

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        log.info("daemon started: %s", ", ".join(job.id for job in self.scheduler.get_jobs()))
        threading.Thread(target=self._watch_clock, name="clock watch", daemon=True).start()
        self.scheduler.start()
        log.info("daemon stopped")

    def _watch_clock(self) -> None:
        # A jump delays a crawl by no more than a look's interval, or the crawls' own.
        every = min(CLOCK_CHECK_SECONDS, self.config.incremental_every_minutes * 60)
        watch = ClockWatch()
        while not self.stopping.wait(every):
            jumped = watch.jumped()
            if abs(jumped) < CLOCK_JUMP_SECONDS:
                continue
            log.warning("the clock jumped %+.0f s: the incremental crawl is due now", jumped)
            try:
                self.scheduler.modify_job(self.incremental_id, next_run_time=datetime.now(self.zone))
            except JobLookupError:  # the scheduler shut down meanwhile
                return

    def _on_signal(self, signum, frame) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stopping.set()
        running = self.current
        if running:
            running.stop()
        # Waits for the running job, whose child crawl is now closing its run.
        threading.Thread(target=self._shutdown, daemon=True).start()

    def _shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)

    def _on_event(self, event) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its time %s; it runs at the next one", event.job_id, event.scheduled_run_time)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("job %s is still running; this run is skipped", event.job_id)
        else:
            log.error("job %s failed: %s", event.job_id, event.exception)

