"""The webhook messages of one crawl run: the run's own, and one per saved search that
its events match, queued in the archive's outbox (notify/outbox.py).

An edited item carries the paragraphs the edit changed (`- ` what went, `+ ` what came,
as stored with the version it replaced); a run marked degraded carries its `alerts`,
what went missing ("100% of 45 article pages had no body"), even when it found nothing.
"""
from __future__ import annotations

import json
import logging
import sqlite3

from sqlite_utils import Database

from pmkz.notify.outbox import Outbox
from pmkz.storage import events as item_events
from pmkz.storage import watches
from pmkz.storage.diffs import as_text

log = logging.getLogger(__name__)

ALL = 1_000_000  # every event of one run
RUN_KEYS = ("id", "started", "ended", "status", "mode", "base_url")


def queue_run(db: Database, outbox: Outbox, run: dict, saved: list[dict]) -> list[str]:
    """Queue one run's message and its saved searches' messages; the problems of saved
    searches that could not be run (their messages are left out, the others go)."""
    found = item_events.of_run(db, run["id"])
    if found or run.get("status") == "degraded":
        edits = {e["url"]: as_text(e["changes"])
                 for e in watches.events(db, run_id=run["id"], kinds=("changed",), limit=ALL)}
        outbox.put(f"run-{run['id']:09d}", run_message(run, found, edits))
    problems = []
    for watch in saved:
        try:
            matching = watches.events(db, query=watch["query"], lang=watch["lang"], run_id=run["id"], limit=ALL)
        except (sqlite3.Error, ValueError) as error:
            log.error("saved search %d left out of run %d's messages: %s", watch["id"], run["id"], error)
            problems.append(f"saved search {watch['id']}: {error}")
            continue
        if matching:
            # A run's saved-search messages sort after its own (`run-N.watch-W` after `run-N`).
            outbox.put(f"run-{run['id']:09d}.watch-{watch['id']:06d}", watch_message(watch, run, matching))
    return problems


def run_message(run: dict, events: list[dict], edits: dict[str, str]) -> dict:
    """`edits`: url -> the paragraphs the run's edit changed, carried by `changed` items."""
    def items(kind):
        return [
            {key: event.get(key) for key in ("url", "lang", "title", "published_date", "summary")}
            | ({"diff": edits.get(event["url"], "")} if kind == "changed" else {})
            for event in events if event["event"] == kind
        ]

    health = json.loads(run.get("health") or "{}")
    return {
        "run": {key: run.get(key) for key in RUN_KEYS},
        "new": items("new"), "changed": items("changed"), "gone": items("gone"),
        # Why a run was marked degraded (crawler/health), in sentences for a person.
        "alerts": [breach["message"] for breach in health.get("breaches", [])],
    }


def watch_message(watch: dict, run: dict, events: list[dict]) -> dict:
    """The message of one saved search for one run's matching events (newest first, as
    storage.watches.events gives them)."""
    def item(event: dict) -> dict:
        found = {key: event.get(key) for key in ("url", "lang", "title", "published_date", "summary", "at")}
        return found | ({"diff": as_text(event["changes"])} if event["event"] == "changed" else {})

    return {
        "watch": {key: watch.get(key) for key in ("id", "query", "lang")},
        "run": {key: run.get(key) for key in RUN_KEYS},
        **{kind: [item(e) for e in reversed(events) if e["event"] == kind] for kind in ("new", "changed", "gone")},
    }
