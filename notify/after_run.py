"""After a crawl run: rewrite the Atom feeds and send the messages of every run not
announced yet, to the webhook and to the Apprise channels (notify/channels.py).

Notifications come from what is stored. The feeds are built from the database
(notify/feeds.py); the messages (notify/messages.py) of each run after the announcement
cursor (storage/announcements.py), and the daily digest when one is due
(notify/digest.py), are queued in the archive's outbox, one queue a channel, the cursor
moves, and then the outbox is delivered: a run whose process died after storing (its
stdout closed, killed mid-crawl) is announced by the next run, and a message queued is
never lost, only late.

A message that cannot be delivered after its retries, within the notify deadline, or
before a stop signal waits in its channel's queue (notify/outbox.py) and goes out, in
order, before the next run's: a receiver that was down for an hour still hears about
every run, and the channels that were up are not sent it again.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from pmkz.notify import channels, digest
from pmkz.notify.feeds import write_feeds
from pmkz.notify.messages import queue_run
from pmkz.notify.outbox import Deadline, Outbox, outbox_beside
from pmkz.notify.render import Links
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
                     webhook_backoff: float = 1.0, notify_urls: tuple[str, ...] = (),
                     daily_digest: bool = False, links: Links = Links(), cosmetic: bool = False,
                     deadline_seconds: float = 60.0, deliver: bool = True) -> Notified:
    """Feeds, then the messages of every unannounced run up to `run_id` queued (and the
    daily digest when one is due), then delivered unless `deliver` is False (the crawl
    was stopped by a signal), all within `deadline_seconds` and until SIGINT or SIGTERM.

    `notify_urls`: PMKZ_NOTIFY's Apprise URLs, which get each run's message, or only
    the digest with `daily_digest`, and the messages of the saved searches with no
    channel of their own. `cosmetic`: messages tell cosmetic edits too
    (PMKZ_NOTIFY_COSMETIC)."""
    deadline = Deadline(deadline_seconds)
    route = _Route(outbox_beside(db_path), webhook_url, notify_urls, daily_digest, cosmetic)
    with deadline.stopped_by_signals():
        notified, announced = _notify(db_path, run_id, feeds_dir, site_url, langs, route)
        # Not announced (a full disk): sent now, they would be queued and sent again by
        # the next run, so they wait.
        notified.waiting = route.deliver(webhook_backoff, links, deadline if deliver and announced else None)
    notified.stopped_by = deadline.signal
    notified.deadline_reached = notified.waiting > 0 and deadline.remaining() <= 0
    return notified


def _notify(db_path, run_id, feeds_dir, site_url, langs, route: "_Route") -> tuple[Notified, bool]:
    notified = Notified(outbox=route.outbox.folder)
    with Store(db_path) as store:
        notified.problems += write_feeds(store.db, feeds_dir, site_url, langs)
        route.saved = watches.all_watches(store.db)
        runs = announcements.unannounced_runs(store.db, run_id)
        now = utc_stamp()
        if route.queues_runs():
            route.db = store.db
            try:
                for run in runs:
                    notified.problems += queue_run(store.db, route, run, route.saved, cosmetic=route.cosmetic)
                if route.daily_digest and route.notify_urls:
                    _queue_digest(store.db, route, runs[0]["id"] - 1 if runs else run_id, run_id, now)
            finally:
                route.db = None
        # Queued (or nowhere to queue for): announced. A death before this line
        # queues the same files again next time, under the same names.
        try:
            announcements.mark_announced(store.db, run_id, now)
        except sqlite3.Error as error:  # a full disk: the run has already said so
            log.error("runs up to %d not marked announced (%s); their messages wait for the next run",
                      run_id, error)
            return notified, False
    return notified, True


def _queue_digest(db, route: "_Route", after_run: int, run_id: int, now: str) -> None:
    digest.ensure(db, after_run, now)
    covered, made = digest.cursor(db)
    if not digest.due(made, now):
        return
    message = digest.digest_message(db, covered, run_id, made, now, cosmetic=route.cosmetic)
    if message:
        for url in route.notify_urls:
            route.channel(url).put(f"digest-after-{covered:09d}", route.with_captures(message))
    digest.move(db, run_id, now)


class _Route:
    """The outbox of each channel, and which of them a message goes to: the webhook gets
    every message; PMKZ_NOTIFY's channels each run's (unless they take the digest) and
    the saved searches' that have no channel of their own; a saved search's channels
    its own. The webhook's queue is the outbox folder itself, as before there were
    channels; each Apprise URL's is a folder in it."""

    def __init__(self, folder: Path, webhook_url, notify_urls, daily_digest: bool, cosmetic: bool):
        self.outbox = Outbox(folder)
        self.webhook_url, self.notify_urls, self.daily_digest = webhook_url, tuple(notify_urls), daily_digest
        self.cosmetic = cosmetic
        self.saved: list[dict] = []
        self.db = None

    def watch_urls(self, watch_id) -> tuple[str, ...] | None:
        """A saved search's own channels, or None."""
        own = next((w.get("notify") for w in self.saved if w["id"] == watch_id), None)
        return tuple(channels.split_urls(own)) or None

    def queues_runs(self) -> bool:
        return bool(self.webhook_url or self.notify_urls or any(w.get("notify") for w in self.saved))

    def channel(self, url: str) -> Outbox:
        return Outbox(self.outbox.folder / channels.channel_key(url))

    def put(self, name: str, message: dict) -> None:
        """What notify/messages.py queues: to the webhook as it is, to each channel it
        goes to with the archived capture of each item, for its link."""
        if self.webhook_url:
            self.outbox.put(name, message)
        watch = message.get("watch")
        own = self.watch_urls(watch["id"]) if watch else None
        shared = () if self.daily_digest else self.notify_urls
        for url in own or shared:
            self.channel(url).put(name, self.with_captures(message))

    def with_captures(self, message: dict) -> dict:
        """Each item with `capture_id`, its newest archived page."""
        def item(value):
            if not isinstance(value, dict) or "url" not in value or self.db is None:
                return value
            row = self.db.execute("SELECT capture_id FROM items WHERE url = ?", [value["url"]]).fetchone()
            return value | {"capture_id": row[0] if row else None}

        return {key: [item(v) for v in value] if isinstance(value, list) else value for key, value in message.items()}

    def deliver(self, webhook_backoff: float, links: Links, deadline: Deadline | None) -> int:
        """Send what waits, the webhook's first, then each channel's; how many still wait."""
        urls = {channels.channel_key(url): url for url in
                (*self.notify_urls, *(u for w in self.saved for u in channels.split_urls(w.get("notify"))))}
        folders = sorted(p for p in self.outbox.folder.glob("apprise-*") if p.is_dir())
        if deadline is None:
            return len(self.outbox.waiting()) + sum(len(Outbox(f).waiting()) for f in folders)
        if self.webhook_url:
            waiting = self.outbox.deliver(
                lambda message, deadline: post_json(self.webhook_url, message, deadline, backoff=webhook_backoff),
                deadline)
        else:
            waiting = len(self.outbox.waiting())
        for folder in folders:
            queue, url = Outbox(folder), urls.get(folder.name)
            if url is None:
                log.warning("%d message(s) in %s wait for a channel no longer configured",
                            len(queue.waiting()), folder)
                waiting += len(queue.waiting())
                continue
            waiting += queue.deliver(
                lambda message, deadline: channels.send(url, message, deadline, links=links,
                                                        backoff=webhook_backoff), deadline)
        return waiting
