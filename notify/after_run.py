"""After a crawl run: rewrite the Atom feeds and send the webhook messages of every run
not announced yet.

Notifications come from what is stored. The feeds are built from the database
(notify/feeds.py); the webhook messages (notify/messages.py) of each run after the announcement cursor (storage/announcements.py)
are queued in the archive's outbox, the cursor moves, and then the outbox is delivered:
a run whose process died after storing (its stdout closed, killed mid-crawl) is
announced by the next run, and a message queued is never lost, only late.

A message that cannot be delivered after its retries, within the notify deadline, or
before a stop signal waits in the outbox (notify/outbox.py) and goes out, in order,
before the next run's: a receiver that was down for an hour still hears about every run.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from pmkz.notify.feeds import write_feeds
from pmkz.notify.messages import queue_run
from pmkz.notify.outbox import Deadline, Outbox, outbox_beside
from pmkz.notify.webhook import post_json
from pmkz.storage import Store, announcements, watches
from pmkz.storage.store import utc_stamp

log = logging.getLogger(__name__)


@dataclass
class Notified:
    """What the notify step could not do, for the command's last lines."""
    problems: list[str] = field(default_factory=list)  # feeds or saved searches left out
    waiting: int = 0  # messages left in the outbox
    outbox: Path | None = None
    stopped_by: int | None = None  # the signal that ended delivery
    deadline_reached: bool = False


def notify_after_run(db_path: Path, run_id: int, *, feeds_dir: Path, site_url: str,
                     langs: list[str], webhook_url: str | None = None,
                     webhook_backoff: float = 1.0, deadline_seconds: float = 60.0,
                     deliver: bool = True) -> Notified:
    """Feeds, then the messages of every unannounced run up to `run_id` queued, then
    delivered unless `deliver` is False (the crawl was stopped by a signal), all within
    `deadline_seconds` and until SIGINT or SIGTERM."""
    deadline = Deadline(deadline_seconds)
    with deadline.stopped_by_signals():
        notified = _notify(db_path, run_id, feeds_dir, site_url, langs, webhook_url, webhook_backoff,
                           deadline if deliver else None)
    notified.stopped_by = deadline.signal
    notified.deadline_reached = notified.waiting > 0 and deadline.remaining() <= 0
    return notified


def _notify(db_path, run_id, feeds_dir, site_url, langs, webhook_url, webhook_backoff,
            deadline: Deadline | None) -> Notified:
    notified = Notified(outbox=outbox_beside(db_path))
    outbox = Outbox(notified.outbox)
    with Store(db_path) as store:
        notified.problems += write_feeds(store.db, feeds_dir, site_url, langs)
        if webhook_url:
            saved = watches.all_watches(store.db)
            for run in announcements.unannounced_runs(store.db, run_id):
                notified.problems += queue_run(store.db, outbox, run, saved)
        # Queued (or no webhook to queue for): announced. A death before this line
        # queues the same files again next time, under the same names.
        try:
            announcements.mark_announced(store.db, run_id, utc_stamp())
        except sqlite3.Error as error:  # a full disk: the run has already said so
            # Sent now, they would be queued and sent again by the next run: they wait.
            log.error("runs up to %d not marked announced (%s); their messages wait for the next run",
                      run_id, error)
            deadline = None
    if webhook_url and deadline is not None:
        notified.waiting = outbox.deliver(
            lambda message, deadline: post_json(webhook_url, message, deadline, backoff=webhook_backoff), deadline)
    else:
        notified.waiting = len(outbox.waiting())
    return notified
