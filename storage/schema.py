"""The database schema (table and column names are a contract: see CONTRACT.md).

`ensure_schema` is idempotent: it creates what is missing and migrates what an older pmkz
made, leaving existing rows alone, so every `Store` can call it on open.
"""
from __future__ import annotations

from sqlite_utils import Database

from . import announcements, attachments, diffs, identity, sections, sitemaps
from .search import ensure_search_index

ITEM_STATUSES = ("live", "gone")
# `degraded`: the run completed but breached a health threshold (crawler/health).
RUN_STATUSES = ("running", "ok", "degraded", "failed", "interrupted")
# `save`: fetched, but the page or an image file of it could not be written (a full
# disk); the next run fetches the page again.
FAILURE_KINDS = ("fetch", "parse", "image", "save")
# `returned`: a page marked gone answers again (storage/revisits.py).
# `reparsed`: `pmkz reparse` derived a different record from the same archived response
# (a parser correction, never an edit on the site).
# `diverged`, `backdated`: what a run's end finds in what it stored (storage/events.py).
EVENTS = ("new", "changed", "gone", "returned", "reparsed", "diverged", "backdated")
RUN_COUNTS = ("new", "changed", "unchanged", "gone", "failed")

# The record's own fields, in contract order; `items` adds bookkeeping after them.
RECORD_COLUMNS = {
    "url": str,
    "site_id": int,
    "lang": str,
    "kind": str,
    "category": str,
    "title": str,
    "published_date": str,
    "published_at": str,
    "summary": str,
    "body": str,
    "image_urls": str,  # JSON array text
    # JSON object text: image URL -> its caption, for the images that have one. Not in
    # the content hash: captions are kept current in place, as image_urls are.
    "image_captions": str,
    "translations": str,  # JSON object text: lang -> URL of the other language versions
    # Kind `decision` (issue 25): the decision's number and own date (published_date is
    # the day the site published it), and its attached files (JSON array text).
    "decision_number": str,
    "decision_date": str,
    "attachment_urls": str,
    # JSON object text: the parser layer that gave each field ("h1", "meta:og:title"...).
    "field_sources": str,
}
ITEM_COLUMNS = {
    **RECORD_COLUMNS,
    "first_seen": str,
    "last_seen": str,
    "last_changed": str,
    "content_hash": str,
    "status": str,
    # Internal: the validators of the last 200 response, for conditional GET.
    "etag": str,
    "http_last_modified": str,
    # The capture (`captures.id`) this state was parsed from, and how the state came to
    # be: `new`, `changed` (an edit on the site) or `reparsed` (`pmkz reparse`).
    "capture_id": int,
    "version_reason": str,
}
# The columns a user sees in exports; the HTTP validators are crawler plumbing, and
# captions are the item page's, not yet an export format's (CONTRACT.md).
EXPORT_COLUMNS = [c for c in ITEM_COLUMNS
                  if c not in ("etag", "http_last_modified", "field_sources", "capture_id", "version_reason",
                               "image_captions")]
# What an item_versions row keeps of an earlier state.
VERSIONED_COLUMNS = ("title", "summary", "body", "image_urls", "published_at", "content_hash",
                     "capture_id", "version_reason")
# What the edit that replaced a version changed (storage/diffs.py: headline, lead and
# body, word by word) and how much that matters, stored with it so that no reader's
# request computes a diff.
VERSION_DIFF = {"body_changes": str, "significance": str}
# One row per archived response (storage/warc/): where its WARC record is, and the item
# version it produced (null when it changed nothing, or was not an article).
CAPTURE_COLUMNS = {
    "id": int, "url": str, "fetched_at": str, "status": int, "record_type": str,
    "record_id": str, "payload_digest": str, "content_type": str, "warc_file": str,
    "warc_offset": int, "warc_length": int, "run_id": int, "item_version": int,
}

def ensure_schema(db: Database) -> None:
    """Create the tables, indexes and full-text search that are not there yet."""
    with db.atomic():
        db["items"].create(
            ITEM_COLUMNS,
            pk="url",
            not_null=["lang", "title", "published_date", "body", "image_urls",
                      "first_seen", "last_seen", "last_changed", "content_hash", "status"],
            defaults={"status": "live", "image_urls": "[]"},
            if_not_exists=True,
        )
        # Newest first for browsing; a language's live items newest first for the
        # incremental re-check. One index for both language and status: each index is
        # written on every insert, and a backfill inserts tens of thousands of items.
        db["items"].create_index(["published_date"], if_not_exists=True)
        db["items"].create_index(["lang", "status", "published_date"], if_not_exists=True)
        # Indexes of earlier databases that cost every insert and served no query.
        for unused in ("idx_items_lang", "idx_items_status", "idx_item_events_url"):
            db.execute(f"DROP INDEX IF EXISTS {unused}")
        db["item_versions"].create(
            {"item_url": str, "version": int,
             **{c: ITEM_COLUMNS[c] for c in VERSIONED_COLUMNS},
             "valid_from": str, "replaced_at": str, **VERSION_DIFF},
            pk=("item_url", "version"),
            if_not_exists=True,
        )
        db["images"].create(
            {"item_url": str, "url": str, "path": str, "sha1": str},
            pk=("item_url", "url"),
            if_not_exists=True,
        )
        # The item page finds a state's images by URL alone, across items (browse/item.py).
        db["images"].create_index(["url"], if_not_exists=True)
        # A decision's attached files, kept beside the images, and their text (storage/attachments.py).
        attachments.ensure(db)
        db["crawl_runs"].create(
            {"id": int, "started": str, "ended": str, "status": str, "base_url": str,
             "mode": str, "requests": int, **{c: int for c in RUN_COUNTS}, "error": str,
             "pid": int, "health": str},
            pk="id",
            not_null=["started", "status"],
            if_not_exists=True,
        )
        # What each run found, one row per new, changed or gone item: feeds, webhooks
        # and "what happened" queries read this instead of diffing time stamps.
        db["item_events"].create(
            {"id": int, "run_id": int, "url": str, "event": str, "at": str},
            pk="id", not_null=["url", "event", "at"], if_not_exists=True,
        )
        db["item_events"].create_index(["run_id"], if_not_exists=True)
        # Languages whose news list a completed run walked to its end: from then on an
        # incremental run may stop paging at the first list page with nothing new.
        db["list_walks"].create({"lang": str, "completed": str}, pk="lang", if_not_exists=True)
        # Until then, where an interrupted walk resumes (crawler/list_cursor.py).
        db["list_cursors"].create({"lang": str, "url": str, "saved": str}, pk="lang", if_not_exists=True)
        # When each item's page was last checked: the revisit policy's state
        # (crawler/revisit.py); the index serves the hourly budget's count.
        db["revisits"].create({"url": str, "checked": str}, pk="url", not_null=["checked"], if_not_exists=True)
        db["revisits"].create_index(["checked"], if_not_exists=True)
        db["captures"].create(
            CAPTURE_COLUMNS, pk="id",
            not_null=["url", "fetched_at", "record_type", "warc_file", "warc_offset", "warc_length"],
            if_not_exists=True,
        )
        # The newest capture of a page; the end of the indexed records of a file.
        db["captures"].create_index(["url"], if_not_exists=True)
        db["captures"].create_index(["warc_file"], if_not_exists=True)
        db["failures"].create(
            {"url": str, "kind": str, "error": str, "first_failed": str,
             "last_failed": str, "attempts": int, "run_id": int, "raw_html_path": str},
            pk="url",
            not_null=["kind", "first_failed", "last_failed", "attempts"],
            if_not_exists=True,
        )
    # item_versions.note: what a version row marks besides an edit (a return after gone).
    # failures.item_url: the page an image belongs to.
    _add_new_columns(db, {"items": ITEM_COLUMNS, "crawl_runs": {"health": str},
                          "failures": {"item_url": str},
                          "item_versions": {"note": str, **{c: ITEM_COLUMNS[c] for c in VERSIONED_COLUMNS},
                                            **VERSION_DIFF}})
    # The versions still without their stored changes (from before them), found in an
    # index of only those, so that asking on every open costs nothing once they are filled.
    db.execute(f"CREATE INDEX IF NOT EXISTS {diffs.MISSING_INDEX} ON item_versions (item_url, version)"
               " WHERE body_changes IS NULL")
    db.execute(f"CREATE INDEX IF NOT EXISTS {diffs.UNCLASSIFIED_INDEX} ON item_versions (item_url, version)"
               " WHERE significance IS NULL")
    if not diffs.all_stored(db):
        with db.atomic():
            diffs.fill_missing(db)
    # An item is its path on the site (storage/identity.py): one row per path.
    identity.ensure_path_index(db)
    # Which runs' news went out (storage/announcements.py).
    announcements.ensure(db)
    # What the site's menus offered beside the news (storage/sections.py).
    sections.ensure(db)
    # What the site's sitemaps said (storage/sitemaps.py).
    sitemaps.ensure(db)
    # Full-text search, the words as printed and their stems (storage/search/index.py):
    # created and filled in place on old databases, their old triggers dropped.
    ensure_search_index(db)


def _add_new_columns(db: Database, wanted: dict[str, dict]) -> None:
    """Columns added since a database was created: nullable, so old rows stay valid."""
    for table, columns in wanted.items():
        present = set(db[table].columns_dict)
        for name, kind in columns.items():
            if name not in present:
                db[table].add_column(name, kind)
