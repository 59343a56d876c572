"""Feeds and webhook messages of events: per language and per saved search.

One Atom renderer for both: a new item is an entry with its text; an edit an entry
with the paragraph diff (`- ` what went, `+ ` what came) and the text it made; a page
gone from the site an entry marked "Removed". Entry ids carry the event, so a reader
shows an edit or a removal as news instead of silently replacing an earlier entry.
"""
from __future__ import annotations

import logging

from feedgen.feed import FeedGenerator

from pmkz.browse.diff import paragraph_changes
from pmkz.crawler.parsing.text import xml_safe
from pmkz.site import LANGUAGE_NAMES

log = logging.getLogger(__name__)

ENTRIES = 100
PREFIX = {"changed": "Edited: ", "gone": "Removed: ", "new": ""}


def diff_text(event: dict) -> str:
    """The edit as text, one `- ` or `+ ` paragraph each ('' for other events)."""
    if event["event"] != "changed":
        return ""
    return "\n\n".join(f"{sign} {text}"
                       for sign, text in paragraph_changes(event.get("body_before"), event["body"]))


def entry_content(event: dict) -> str:
    if event["event"] == "gone":
        return f"This page was removed from the site (found gone {event['at']}). Its last text:\n\n{event['body']}"
    if event["event"] == "changed":
        changes = diff_text(event) or "(the headline or teaser changed; the body is the same)"
        return f"Changed paragraphs:\n\n{changes}\n\nThe text now:\n\n{event['body']}"
    return event["body"]


def feed_xml(feed_id: str, title: str, events: list[dict], site_url: str,
             lang: str | None = None, self_url: str | None = None) -> bytes:
    """An Atom feed of `events` (newest first, as storage.watches.events gives them)."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(xml_safe(title))
    feed.author({"name": "pmkz"})
    feed.link(href=site_url, rel="alternate")
    if self_url:
        feed.link(href=self_url, rel="self")
    if lang:
        feed.language(lang)
    feed.updated(max((e["at"] for e in events), default="1970-01-01T00:00:00+00:00"))
    # feedgen puts the last added entry first; add oldest first so the newest leads.
    for event in reversed(events[:ENTRIES]):
        entry = feed.add_entry()
        try:
            _fill(entry, {key: xml_safe(value) if isinstance(value, str) else value for key, value in event.items()})
        except ValueError as error:  # one entry that cannot be written never stops its feed
            log.error("feed %s: entry for %s left out: %s", feed_id, event.get("url"), error)
            feed.remove_entry(entry)
    return feed.atom_str(pretty=True)


def _fill(entry, event: dict) -> None:
    """One entry of `event`, whose text is fit for XML (an archive stored before the
    parser cleaned its text may hold what XML cannot carry)."""
    entry.id(f"{event['url']}#{event['event']}-{event.get('state_hash') or event['content_hash']}-{event['event_id']}")
    entry.title(PREFIX.get(event["event"], "") + event["title"])
    entry.link(href=event["url"], rel="alternate")
    entry.updated(event["at"])
    entry.category(term=event["event"])
    if event.get("published_at") or event.get("published_date"):
        entry.published(event.get("published_at") or f"{event['published_date']}T00:00:00+05:00")
    if event.get("summary"):
        entry.summary(event["summary"])
    entry.content(entry_content(event), type="text")


def language_feed(lang: str, events: list[dict], site_url: str, self_url: str | None = None) -> bytes:
    return feed_xml(f"{site_url}/#pmkz-{lang}",
                    f"primeminister.kz ({LANGUAGE_NAMES.get(lang, lang)}): new, edited and removed press pages",
                    events, site_url, lang, self_url)


def watch_title(watch: dict) -> str:
    where = f" ({LANGUAGE_NAMES.get(watch['lang'], watch['lang'])})" if watch.get("lang") else ""
    return f"primeminister.kz: «{watch['query']}»{where}"


def watch_feed(watch: dict, events: list[dict], site_url: str, self_url: str | None = None) -> bytes:
    return feed_xml(f"{site_url}/#pmkz-watch-{watch['id']}", watch_title(watch), events, site_url,
                    watch.get("lang"), self_url)


def event_message_item(event: dict) -> dict:
    item = {key: event.get(key) for key in ("url", "lang", "title", "published_date", "summary", "at")}
    if event["event"] == "changed":
        item["diff"] = diff_text(event)
    return item


def watch_message(watch: dict, run: dict, events: list[dict]) -> dict:
    """The webhook message of one saved search for one run's matching events."""
    return {
        "watch": {key: watch.get(key) for key in ("id", "query", "lang")},
        "run": {key: run.get(key) for key in ("id", "started", "ended", "status", "mode", "base_url")},
        **{kind: [event_message_item(e) for e in reversed(events) if e["event"] == kind]
           for kind in ("new", "changed", "gone")},
    }
