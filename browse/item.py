"""The reading pages of an item and of its earlier versions.

Datasette renders the row; this gathers what its templates (row-pmkz-items.html,
row-pmkz-item_versions.html) show besides: the body as paragraphs, the images from the
local copies, the versions, and for a version what the next edit changed. Every value
stays plain text: the templates escape it, so no markup from the site is ever rendered.
"""
from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from datasette.utils import tilde_encode

from . import archived, images
from .diff import paragraph_changes, paragraphs

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def display_time(published_date: str | None, published_at: str | None) -> str:
    """`2024-03-09 14:35 (UTC+05:00)` when the page showed a time, else the date."""
    if published_at and len(published_at) >= 16:
        offset = published_at[19:] or "+00:00"
        return f"{published_at[:10]} {published_at[11:16]} (UTC{offset})"
    return published_date or ""


def utc_time(stamp: str | None) -> str:
    """`2024-05-10 08:00 UTC` for the crawler's UTC stamps (`2024-05-10T08:00:00+00:00`)."""
    if not stamp or len(stamp) < 16:
        return stamp or ""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def web_url(url: str | None) -> str | None:
    """`url` if it is safe to put in a link (http or https), else None."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


async def item_context(datasette, database: str, url: str, images_dir: Path) -> dict | None:
    db = datasette.get_database(database)
    item = await _one(db, "select * from items where url = ?", [url])
    if item is None:
        return None
    return {
        **_text(item, item),
        "status": item["status"],
        "images": await _images(datasette, database, item, images_dir),
        "versions": await _versions(datasette, database, url),
        "archived": await archived.link(datasette, database, item.get("capture_id")),
    }


async def version_context(datasette, database: str, url: str, version: int,
                          images_dir: Path) -> dict | None:
    db = datasette.get_database(database)
    old = await _one(db, "select * from item_versions where item_url = ? and version = ?",
                     [url, version])
    item = await _one(db, "select * from items where url = ?", [url])
    if old is None or item is None:
        return None
    following = await _one(db, "select * from item_versions where item_url = ? and version = ?",
                           [url, version + 1]) or item
    return {
        **_text(old, item),
        "version": version,
        "valid_from": utc_time(old["valid_from"]),
        "replaced_at": utc_time(old["replaced_at"]),
        "current_href": datasette.urls.row(database, "items", tilde_encode(url)),
        "title_after": following["title"] if following["title"] != old["title"] else None,
        "changes": paragraph_changes(old["body"], following["body"]),
        "images": await _images(datasette, database, {**old, "url": url}, images_dir),
        "versions": await _versions(datasette, database, url),
    }


def _text(state: dict, item: dict) -> dict:
    """The readable fields of one state (the item itself or an earlier version)."""
    return {
        "title": state["title"],
        "summary": state["summary"],
        "paragraphs": paragraphs(state["body"]),
        "when": display_time(item["published_date"], state.get("published_at")),
        "lang": item["lang"],
        "language": LANGUAGE_NAMES.get(item["lang"], item["lang"]),
        "kind": item["kind"],
        "category": item["category"],
        "original": web_url(item["url"]),
        "site": urllib.parse.urlsplit(item["url"]).netloc,
        "url": item["url"],
    }


async def _images(datasette, database: str, state: dict, images_dir: Path) -> list[dict]:
    """The state's images in page order: a local copy's address, or None if none was kept."""
    urls = json.loads(state.get("image_urls") or "[]")
    rows = await datasette.get_database(database).execute(
        "select url, path from images where url in (select value from json_each(?))"
        " order by item_url = ? desc", [json.dumps(urls), state["url"]])
    paths = {}
    for row in rows:
        paths.setdefault(row["url"], row["path"])
    shown = []
    for url in urls:
        path = paths.get(url)
        src = None
        if path and images.resolve(images_dir, path):
            src = f"{datasette.urls.database(database)}/-/images/{urllib.parse.quote(path)}"
        shown.append({"src": src, "original": web_url(url), "url": url})
    return shown


async def _versions(datasette, database: str, url: str) -> list[dict]:
    rows = await datasette.get_database(database).execute(
        "select version, title, valid_from, replaced_at from item_versions"
        " where item_url = ? order by version desc", [url])
    return [{"version": row["version"], "title": row["title"],
             "valid_from": utc_time(row["valid_from"]), "replaced_at": utc_time(row["replaced_at"]),
             "href": datasette.urls.row(database, "item_versions",
                                        f"{tilde_encode(url)},{row['version']}")}
            for row in rows]


async def _one(db, sql: str, params: list) -> dict | None:
    rows = (await db.execute(sql, params)).rows
    return dict(rows[0]) if rows else None
