"""After a crawl run: rewrite the Atom feeds and send the webhook messages of every run
not announced yet.

Notifications come from what is stored. The feeds are rendered from the database; the
webhook messages of each run after the announcement cursor (storage/announcements.py)
are queued in the archive's outbox, the cursor moves, and then the outbox is delivered:
a run whose process died after storing (its stdout closed, killed mid-crawl) is
announced by the next run, and a message queued is never lost, only late.

A run marked degraded sends its message even when it found nothing: its `alerts` say
what went missing ("100% of 45 article pages had no body").

A message that cannot be delivered after its retries, within the notify deadline, or
before a stop signal waits in the outbox (notify/outbox.py) and goes out, in order,
before the next run's: a receiver that was down for an hour still hears about every run.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from pmkz.notify import watches as watch_feeds
from pmkz.notify.feeds import outbox_beside, write_feed
from pmkz.notify.outbox import Deadline, Outbox
from pmkz.notify.watches import ENTRIES
from pmkz.notify.webhook import post_json
from pmkz.storage import Store, announcements
from pmkz.storage import watches as saved_searches
from pmkz.storage import events as item_events
from pmkz.storage.store import utc_stamp

log = logging.getLogger(__name__)

ALL = 1_000_000  # every event of one run


@dataclass
class Notified:
    """What the notify step could not do, for the command's last lines."""
    problems: list[str] = field(default_factory=list)  # feeds or saved searches left out
    waiting: int = 0  # messages left in the outbox
    outbox: Path | None = None
    stopped_by: int | None = None  # the signal that ended delivery
    deadline_reached: bool = False


def run_message(run: dict, events: list[dict], diffs: dict[str, str] | None = None) -> dict:
    """`diffs`: url -> the paragraph diff of the run's edit, carried by `changed` items."""
    def items(kind):
        return [
            {key: event.get(key) for key in ("url", "lang", "title", "published_date", "summary")}
            | ({"diff": (diffs or {}).get(event["url"], "")} if kind == "changed" else {})
            for event in events if event["event"] == kind
        ]

    health = json.loads(run.get("health") or "{}")
    return {
        "run": {key: run.get(key) for key in ("id", "started", "ended", "status", "mode", "base_url")},
        "new": items("new"), "changed": items("changed"), "gone": items("gone"),
        # Why a run was marked degraded (crawler/health), in sentences for a person.
        "alerts": [breach["message"] for breach in health.get("breaches", [])],
    }


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
        saved = saved_searches.all_watches(store.db)
        # Rendered one by one as written: one that fails leaves the others alone.
        renders = {f"{lang}.atom": lambda lang=lang: watch_feeds.language_feed(
                       lang, saved_searches.events(store.db, lang=lang, limit=ENTRIES), site_url)
                   for lang in langs}
        renders |= {f"watch-{watch['id']}.atom": lambda watch=watch: watch_feeds.watch_feed(
                        watch, saved_searches.events(store.db, query=watch["query"], lang=watch["lang"], limit=ENTRIES), site_url)
                    for watch in saved}
        notified.problems += [problem for name, render in renders.items()
                              if (problem := write_feed(feeds_dir / name, render))]
        if webhook_url:
            for run in announcements.unannounced_runs(store.db, run_id):
                notified.problems += _queue_run(store, outbox, run, saved)
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


def _queue_run(store: Store, outbox: Outbox, run: dict, saved: list[dict]) -> list[str]:
    """Queue one run's message and its saved searches' messages; the problems of saved
    searches that could not be run (their messages are left out, the others go)."""
    events = item_events.of_run(store.db, run["id"])
    if events or run.get("status") == "degraded":
        diffs = {e["url"]: watch_feeds.diff_text(e)
                 for e in saved_searches.events(store.db, run_id=run["id"], kinds=("changed",), limit=ALL)}
        outbox.put(f"run-{run['id']:09d}", run_message(run, events, diffs))
    problems = []
    for watch in saved:
        try:
            matching = saved_searches.events(store.db, query=watch["query"], lang=watch["lang"], run_id=run["id"], limit=ALL)
        except (sqlite3.Error, ValueError) as error:
            log.error("saved search %d left out of run %d's messages: %s", watch["id"], run["id"], error)
            problems.append(f"saved search {watch['id']}: {error}")
            continue
        if matching:
            # A run's saved-search messages sort after its own (`run-N.watch-W` after `run-N`).
            outbox.put(f"run-{run['id']:09d}.watch-{watch['id']:06d}",
                       watch_feeds.watch_message(watch, run, matching))
    return problems
