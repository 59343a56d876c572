"""After a crawl run: rewrite the Atom feeds and send the run's webhook message.

A run marked degraded sends its message even when it found nothing: its `alerts` say
what went missing ("100% of 45 article pages had no body").

A webhook message that cannot be delivered after its retries waits in an outbox folder
and goes out, in order, before the next run's message: a receiver that was down for an
hour still hears about every run.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from pmkz.notify import watches as watch_feeds
from pmkz.notify.feeds import _replace
from pmkz.notify.watches import ENTRIES
from pmkz.notify.webhook import post_json
from pmkz.storage import Store

log = logging.getLogger(__name__)


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
                     webhook_backoff: float = 1.0) -> None:
    with Store(db_path) as store:
        run = store.run(run_id)
        events = store.run_events(run_id)
        # Per language and per saved search: new, edited (with the paragraph diff) and
        # removed items (notify/watches.py).
        recent = {lang: store.watch_events(lang=lang, limit=ENTRIES) for lang in langs}
        diffs = {e["url"]: watch_feeds.diff_text(e)
                 for e in store.watch_events(run_id=run_id, kinds=("changed",), limit=1_000_000)}
        saved = [(watch, store.watch_events(query=watch["query"], lang=watch["lang"], limit=ENTRIES),
                  store.watch_events(query=watch["query"], lang=watch["lang"], run_id=run_id, limit=1_000_000))
                 for watch in store.watches()]
    feeds_dir.mkdir(parents=True, exist_ok=True)
    for lang, lang_events in recent.items():
        _replace(feeds_dir / f"{lang}.atom", watch_feeds.language_feed(lang, lang_events, site_url))
    for watch, watch_events, _ in saved:
        _replace(feeds_dir / f"watch-{watch['id']}.atom", watch_feeds.watch_feed(watch, watch_events, site_url))
    if webhook_url:
        outbox = Path(db_path).parent / "webhook-outbox"
        if events or run.get("status") == "degraded":
            _queue(outbox, run_id, run_message(run, events, diffs))
        for watch, _, run_events in saved:
            if run_events:
                _queue(outbox, run_id, watch_feeds.watch_message(watch, run, run_events),
                       suffix=f".watch-{watch['id']:06d}")
        _flush(outbox, webhook_url, webhook_backoff)


def _queue(outbox: Path, run_id: int, message: dict, suffix: str = "") -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    # A run's saved-search messages sort after its own (`run-N.watch-W.json` after `run-N.json`).
    (outbox / f"run-{run_id:09d}{suffix}.json").write_text(json.dumps(message, ensure_ascii=False), encoding="utf-8")


def _flush(outbox: Path, webhook_url: str, backoff: float) -> None:
    for path in sorted(outbox.glob("run-*.json")):
        if not post_json(webhook_url, json.loads(path.read_text(encoding="utf-8")), backoff=backoff):
            log.error("webhook unreachable; %s waits for the next run", path.name)
            return
        path.unlink()
