"""The messages of one crawl run: the run's own, and one per saved search that its
events match, queued in the archive's outbox (notify/outbox.py).

An edited item carries its `diff`, what the edit changed as plain text (storage/diffs.py:
the headline `before -> after`, the changed sentences with `[-removed-]{+added+}`
inline, whole paragraphs as `- ` and `+ `), its `significance` and, when the headline
changed, `title_before`. Cosmetic edits (white space, punctuation, quotes, letter case)
are left out unless PMKZ_NOTIFY_COSMETIC=1 asks for them; a saved search with a
`significance` of its own takes the edits of that class and weightier. The run's
message also lists the language versions that `diverged` and the items `backdated`
(storage/events.py). A run marked degraded carries its `alerts`, what went missing
("100% of 45 article pages had no body"), even when it found nothing.
"""
from __future__ import annotations

import json
import logging
import sqlite3

from sqlite_utils import Database

from pmkz.notify.outbox import Outbox
from pmkz.storage import events as item_events
from pmkz.storage import watches
from pmkz.storage.diffs import as_text, at_least

log = logging.getLogger(__name__)

ALL = 1_000_000  # every event of one run
RUN_KEYS = ("id", "started", "ended", "status", "mode", "base_url")
ITEM_KEYS = ("url", "lang", "title", "published_date", "summary")
# What only the stored versions show, in the run's message (storage/events.py).
FINDINGS = ("diverged", "backdated")


def queue_run(db: Database, outbox: Outbox, run: dict, saved: list[dict], cosmetic: bool = False) -> list[str]:
    """Queue one run's message and its saved searches' messages; the problems of saved
    searches that could not be run (their messages are left out, the others go).
    `cosmetic`: cosmetic edits are told too (PMKZ_NOTIFY_COSMETIC)."""
    default = at_least(None if cosmetic else "wording")
    found = [event for event in item_events.of_run(db, run["id"]) if event["event"] != "changed"]
    edits = watches.events(db, run_id=run["id"], kinds=("changed",), limit=ALL, significance=default)
    if found or edits or run.get("status") == "degraded":
        outbox.put(f"run-{run['id']:09d}", run_message(run, found, edits[::-1]))
    problems = []
    for watch in saved:
        try:
            matching = watches.events(db, query=watch["query"], lang=watch["lang"], run_id=run["id"], limit=ALL,
                                      significance=at_least(watch["significance"]) if watch.get("significance") else default)
        except (sqlite3.Error, ValueError) as error:
            log.error("saved search %d left out of run %d's messages: %s", watch["id"], run["id"], error)
            problems.append(f"saved search {watch['id']}: {error}")
            continue
        if matching:
            # A run's saved-search messages sort after its own (`run-N.watch-W` after `run-N`).
            outbox.put(f"run-{run['id']:09d}.watch-{watch['id']:06d}", watch_message(watch, run, matching))
    return problems


def edited_item(event: dict, keys: tuple[str, ...] = ITEM_KEYS) -> dict:
    """An edit as a message item: the item's facts, the diff, how much it matters, and
    the headline before when it changed."""
    return ({key: event.get(key) for key in keys}
            | {"diff": as_text(event["changes"]), "significance": event.get("significance")}
            | ({"title_before": event["title_before"]} if event.get("title_before") else {}))


def run_message(run: dict, events: list[dict], edits: list[dict]) -> dict:
    """`events`: the run's events other than edits (storage.events.of_run); `edits`:
    its edits to tell, oldest first, as storage.watches.events gives them."""
    def items(kind):
        return [{key: event.get(key) for key in ITEM_KEYS} | _finding(event)
                for event in events if event["event"] == kind]

    health = json.loads(run.get("health") or "{}")
    return {
        "run": {key: run.get(key) for key in RUN_KEYS},
        "new": items("new"), "changed": [edited_item(e) for e in edits], "gone": items("gone"),
        **{kind: items(kind) for kind in FINDINGS},
        # Why a run was marked degraded (crawler/health), in sentences for a person.
        "alerts": [breach["message"] for breach in health.get("breaches", [])],
    }


def _finding(event: dict) -> dict:
    """A diverged item names the language versions that stayed as they were."""
    if event["event"] != "diverged":
        return {}
    return {"unchanged_versions": json.loads(event.get("translations") or "{}")}


def watch_message(watch: dict, run: dict, events: list[dict]) -> dict:
    """The message of one saved search for one run's matching events (newest first, as
    storage.watches.events gives them)."""
    keys = (*ITEM_KEYS, "at")

    def item(event: dict) -> dict:
        if event["event"] == "changed":
            return edited_item(event, keys)
        return {key: event.get(key) for key in keys}

    return {
        "watch": {key: watch.get(key) for key in ("id", "query", "lang")},
        "run": {key: run.get(key) for key in RUN_KEYS},
        **{kind: [item(e) for e in reversed(events) if e["event"] == kind] for kind in ("new", "changed", "gone")},
    }
