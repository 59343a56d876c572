"""The reading pages of an item and of its earlier versions.

Datasette renders the row; this gathers what its template (browse/plugins/templates/
row.html) shows besides: the body as paragraphs, the images from the local copies, the
versions, and for a version what the next edit changed. Every value
stays plain text: the templates escape it, so no markup from the site is ever rendered.
"""
from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from datasette.utils import tilde_encode

from markupsafe import Markup

from pmkz.site import LANGUAGE_NAMES, LANGUAGES, category_name
from pmkz.storage import diffs, identity

from . import archived, compare, images
from .sitetime import published_tag


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
        "removed": await _removed(db, item) if item["status"] == "gone" else None,
        "translations": await _translations(datasette, database, item),
        "images": await _images(datasette, database, item, url, images_dir),
        "attachments": await _attachments(datasette, database, item, images_dir),
        "versions": await _versions(datasette, database, url),
        "last_edit": await _last_edit(datasette, database, item),
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
                           [url, version + 1])
    return {
        **_text(old, item),
        "version": version,
        "valid_from": old["valid_from"],
        "replaced_at": old["replaced_at"],
        "current_href": datasette.urls.row(database, "items", tilde_encode(url)),
        "edit": _edit(datasette, database, old, following or item, compare.CURRENT if following is None else version + 1),
        "images": await _images(datasette, database, old, url, images_dir),
        "versions": await _versions(datasette, database, url),
        "archived": await archived.link(datasette, database, old.get("capture_id")),
    }


async def moved_row(datasette, database: str, table: str, pks: list[str], format: str | None) -> str | None:
    """The row page of the item (`items`) or version (`item_versions`, pks url and
    number) that `pks` names at an address its page has left, another host, port or
    scheme: the page is the same item there (storage/identity.py). None when no item
    has that path, or it is stored at that very address."""
    if not pks or table == "item_versions" and len(pks) != 2:
        return None
    row = await _one(datasette.get_database(database), f"select url from items where {identity.PATH_SQL} = ?",
                     [identity.path_of(pks[0])])
    if row is None or row["url"] == pks[0]:
        return None
    return datasette.urls.row(database, table, ",".join(map(tilde_encode, [row["url"], *pks[1:]])), format)


def _text(state: dict, item: dict) -> dict:
    """The readable fields of one state (the item itself or an earlier version)."""
    return {
        "title": state["title"],
        "summary": state["summary"],
        "paragraphs": diffs.paragraphs(state["body"]),
        "when": published_tag(item["published_date"], state.get("published_at")),
        "lang": item["lang"],
        "language": LANGUAGE_NAMES.get(item["lang"], item["lang"]),
        "kind": item["kind"],
        "category": item["category"],
        "category_name": category_name(item["category"], item["lang"]),
        "original": web_url(item["url"]),
        "site": urllib.parse.urlsplit(item["url"]).netloc,
        "url": item["url"],
    }


async def _removed(db, item: dict) -> str | None:
    """When the page was found gone: the run that marked it, else the last time it was seen."""
    row = await _one(db, "select max(at) as at from item_events where url = ? and event = 'gone'",
                     [item["url"]])
    return (row or {}).get("at") or item["last_seen"]


async def _last_edit(datasette, database: str, item: dict) -> dict | None:
    """What the item's last edit changed: the newest version and what replaced it."""
    last = await _one(datasette.get_database(database),
                      "select * from item_versions where item_url = ? order by version desc limit 1", [item["url"]])
    return _edit(datasette, database, last, item, compare.CURRENT) if last else None


def _edit(datasette, database: str, old: dict, new: dict, new_name) -> dict:
    """The edit that took the version `old` to the state `new` (named `new_name`)."""
    changes, weight = compare.changes_between(old, new, stored=True)
    return {
        "version": old["version"], "at": old["replaced_at"], "significance": weight,
        "html": Markup(diffs.as_html(changes)) if changes else None,
        "compare_href": compare.href(datasette.urls.database(database), old["item_url"], old["version"], new_name),
    }


async def _translations(datasette, database: str, item: dict) -> list[dict]:
    """The other language versions, by language name in the site's order: this archive's
    page for a stored one (matched by path, whatever host it was crawled from), else the
    site's."""
    try:
        links = json.loads(item.get("translations") or "{}")
    except ValueError:
        return []
    if not isinstance(links, dict):
        return []
    shown = []
    for lang in sorted(links, key=lambda l: (LANGUAGES.index(l) if l in LANGUAGES else 99, l)):
        url = links[lang]
        if not isinstance(url, str):
            continue
        stored = web_url(url) and await _one(datasette.get_database(database),
                                             f"select url from items where {identity.PATH_SQL} = ?",
                                             [identity.path_of(url)])
        shown.append({
            "lang": lang, "language": LANGUAGE_NAMES.get(lang, lang), "original": web_url(url),
            "href": (datasette.urls.row(database, "items", tilde_encode(stored["url"]))
                     if stored else web_url(url)),
        })
    return shown


async def _images(datasette, database: str, state: dict, item_url: str, images_dir: Path) -> list[dict]:
    """The images of a state of the item at `item_url`, in page order: a local copy's
    address, or None if none was kept, and the caption the page printed with it (earlier
    versions keep none). A state names its images where the page was then; an image of
    the page's own address is looked for where the page is now."""
    db = datasette.get_database(database)
    listed = json.loads(state.get("image_urls") or "[]")
    captions = json.loads(state.get("image_captions") or "{}")
    urls = await db.execute_fn(lambda conn: identity.at_current_address(conn, item_url, listed))
    rows = await db.execute(
        "select url, path from images where url in (select value from json_each(?))"
        " order by item_url = ? desc", [json.dumps(urls), item_url])
    paths = {}
    for row in rows:
        paths.setdefault(row["url"], row["path"])
    return [{"src": _local_copy(datasette, database, images_dir, paths.get(url)), "original": web_url(url), "url": url,
             "caption": captions.get(stored)}
            for url, stored in zip(urls, listed)]


def _local_copy(datasette, database: str, images_dir: Path, path: str | None) -> str | None:
    """The address of a file kept in the images dir, or None when it is not there."""
    if path and images.resolve(images_dir, path):
        return f"{datasette.urls.database(database)}/-/images/{urllib.parse.quote(path)}"
    return None


async def _attachments(datasette, database: str, item: dict, images_dir: Path) -> list[dict]:
    """A decision's attached files in page order: the local copy's address (a download),
    the original, and the text read from it or why there is none."""
    listed = json.loads(item.get("attachment_urls") or "[]")
    if not listed:
        return []
    rows = {row["url"]: dict(row) for row in await datasette.get_database(database).execute(
        "select url, path, text, text_error from attachments where item_url = ?", [item["url"]])}
    shown = []
    for url in listed:
        row = rows.get(url) or {}
        shown.append({"src": _local_copy(datasette, database, images_dir, row.get("path")),
                      "original": web_url(url), "name": url.rsplit("/", 1)[-1],
                      "text": row.get("text"), "text_error": row.get("text_error")})
    return shown


async def _versions(datasette, database: str, url: str) -> list[dict]:
    rows = await datasette.get_database(database).execute(
        "select version, title, valid_from, replaced_at from item_versions"
        " where item_url = ? order by version desc", [url])
    return [{"version": row["version"], "title": row["title"],
             "valid_from": row["valid_from"], "replaced_at": row["replaced_at"],
             "href": datasette.urls.row(database, "item_versions",
                                        f"{tilde_encode(url)},{row['version']}")}
            for row in rows]


async def _one(db, sql: str, params: list) -> dict | None:
    rows = (await db.execute(sql, params)).rows
    return dict(rows[0]) if rows else None
