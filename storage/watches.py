"""Saved searches (`pmkz watch`): the `watches` table, and the item events that match one.

A watch is a search-box query (storage/search/: word forms, `"phrases"`, `prefix*`,
`OR`, `NOT`) and optionally a language. What it matches is computed when asked, over
the stem index, so an item edited into or out of a watch's words is judged by its text
as stored now.
"""
from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

from sqlite_utils import Database

from pmkz.site import LANGUAGES

from . import diffs
from .diffs import edit_changes
from .search import matching

KINDS = ("new", "changed", "gone")

log = logging.getLogger(__name__)


# `notify`: the saved search's own Apprise URLs (notify/channels.py), or NULL for PMKZ_NOTIFY's;
# `significance`: the least class of edit its messages carry (storage/diffs.py), or NULL
# for the default (every class but cosmetic unless PMKZ_NOTIFY_COSMETIC).
COLUMNS = ("id", "query", "lang", "created", "notify", "significance")


def ensure(db: Database) -> None:
    db["watches"].create({"id": int, "query": str, "lang": str, "created": str, "notify": str,
                          "significance": str},
                         pk="id", not_null=["query", "created"], if_not_exists=True)
    for column in ("notify", "significance"):  # saved by a pmkz from before them
        if column not in db["watches"].columns_dict:
            db["watches"].add_column(column, str)


def check(query: str, lang: str | None, conn=None) -> tuple[str, list]:
    """SQL selecting the rowids the watch finds, and its params; ValueError with a
    one-line message for a bad watch. With the archive's connection a prefix also finds
    the printed words it begins, as in the search box."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    # The language too: a kk search reads a Latin word as Kazakh, as the search box does.
    found = matching(query or "", conn=conn, lang=lang)
    if found is None:
        raise ValueError(f"the search {query!r} holds no word")
    return found


def add(db: Database, query: str, lang: str | None, now: str, notify: str | None = None,
        significance: str | None = None) -> dict:
    """Save a search (ValueError for one with no word, an unknown language or class);
    the same search saved again is the same watch. `notify`: its own channels (checked
    Apprise URLs), `significance`: the least class of edit it tells, each replacing
    what it had."""
    if significance is not None:
        diffs.at_least(significance)  # the one-line error for an unknown class
    with db.atomic():
        ensure(db)
        watch = _add(db, query, lang, now)
        for column, value in (("notify", notify), ("significance", significance)):
            if value:
                db.execute(f"UPDATE watches SET {column} = ? WHERE id = ?", [value, watch["id"]])
        return get(db, watch["id"])


def import_list(db: Database, wanted: list[tuple[str, str | None]], *, remove_others: bool,
                now: str) -> dict:
    """Save each (query, lang) not saved yet, in one transaction; `remove_others`:
    forget the saved searches the list does not hold. Returns the watches added, kept
    and removed."""
    with db.atomic():
        ensure(db)
        before = {(w["query"], w["lang"]): w for w in all_watches(db)}
        added = [_add(db, query, lang, now)
                 for query, lang in dict.fromkeys(wanted) if (query, lang) not in before]
        gone = [w for key, w in before.items() if key not in set(wanted)] if remove_others else []
        for watch in gone:
            remove(db, watch["id"])
    return {"added": added, "kept": [w for key, w in before.items() if key in set(wanted)],
            "removed": gone}


def _add(db: Database, query: str, lang: str | None, now: str) -> dict:
    check(query, lang)
    existing = db.execute("SELECT id FROM watches WHERE query = ? AND lang IS ?", [query, lang]).fetchone()
    if existing:
        return get(db, existing[0])
    cursor = db.execute("INSERT INTO watches (query, lang, created) VALUES (?, ?, ?)", [query, lang, now])
    return get(db, cursor.lastrowid)


def read_list(path: Path) -> list[tuple[str, str | None]]:
    """The saved searches of a TOML list, checked whole before anything is saved:

        [[watch]]
        query = "Аральское море"
        lang = "ru"          # optional: ru, kk or en

    ValueError, one line naming the file and the entry, for anything else."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not TOML: {error}") from None
    entries = data.get("watch", [])
    unknown = sorted(set(data) - {"watch"})
    if unknown or not isinstance(entries, list):
        raise ValueError(f"{path}: expected only [[watch]] tables, found {', '.join(unknown) or 'watch ='}")
    found = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: watch {number}: expected a [[watch]] table")
        extra = sorted(set(entry) - {"query", "lang"})
        if extra or not isinstance(entry.get("query"), str) or not isinstance(entry.get("lang", ""), str):
            raise ValueError(f"{path}: watch {number}: expected query = \"...\" and an optional"
                             f" lang = \"ru\"{', not ' + ', '.join(extra) if extra else ''}")
        try:
            check(entry["query"], entry.get("lang"))
        except ValueError as error:
            raise ValueError(f"{path}: watch {number}: {error}") from None
        found.append((entry["query"], entry.get("lang")))
    return found


def as_toml(watches: list[dict]) -> str:
    """Saved searches as the TOML list `read_list` reads (JSON strings are TOML strings)."""
    blocks = []
    for watch in watches:
        lines = ["[[watch]]", f"query = {json.dumps(watch['query'], ensure_ascii=False)}"]
        if watch.get("lang"):
            lines.append(f"lang = {json.dumps(watch['lang'])}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def remove(db: Database, watch_id: int) -> bool:
    if not db["watches"].exists():
        return False
    return db.execute("DELETE FROM watches WHERE id = ?", [watch_id]).rowcount > 0


def get(db: Database, watch_id: int) -> dict | None:
    return next((watch for watch in all_watches(db) if watch["id"] == watch_id), None)


def all_watches(db: Database) -> list[dict]:
    if not db["watches"].exists():
        return []
    # An archive read where it cannot be updated may predate the channels.
    columns = [c if c in db["watches"].columns_dict else f"NULL AS {c}" for c in COLUMNS]
    return [dict(zip(COLUMNS, row))
            for row in db.execute(f"SELECT {', '.join(columns)} FROM watches ORDER BY id")]


def events(db: Database, *, query: str | None = None, lang: str | None = None,
           run_id: int | None = None, limit: int = 100, kinds: tuple[str, ...] = KINDS,
           significance: tuple[str, ...] | None = None) -> list[dict]:
    """Item events, newest first: of one run or the latest `limit`, of one language or
    all, of the items a search matches or all; `significance`: only the edits of these
    classes (storage/diffs.py: cosmetic, wording, substantive), other events all. A
    `changed` event carries `body`, the state it made, `changes`, what the edit changed
    (as stored with the version it replaced), its `significance`, and `title_before`,
    the headline before it when it changed; `gone` the item as last seen."""
    where = [f"e.event IN ({', '.join('?' for _ in kinds)})"]
    params: list = list(kinds)
    if lang is not None:
        where.append("i.lang = ?")
        params.append(lang)
    if run_id is not None:
        where.append("e.run_id = ?")
        params.append(run_id)
    if query is not None:
        try:
            sql, values = check(query, lang, db.conn)
        except ValueError as error:
            # A search saved by an older pmkz, before the limits: its feed stays empty,
            # and the run and the other saved searches go on.
            log.warning("saved search «%.80s» not run: %s", query, error)
            return []
        where.append(f"i.rowid IN ({sql})")
        params.extend(values)
    # An archive read where it cannot be updated may predate the stored changes.
    columns = db["item_versions"].columns_dict
    stored = "v.body_changes" if "body_changes" in columns else "NULL"
    weight = "v.significance" if "significance" in columns else "NULL"
    if significance is not None and "significance" in columns:
        where.append(f"(e.event != 'changed' OR v.significance IN ({', '.join('?' for _ in significance)}))")
        params.extend(significance)
    sql = f"""
        SELECT e.id AS event_id, e.run_id, e.url, e.event, e.at, i.lang, i.title, i.summary,
               i.published_date, i.published_at, i.content_hash, i.status,
               coalesce((SELECT n.body FROM item_versions n WHERE n.item_url = e.url
                         AND n.replaced_at > e.at ORDER BY n.version LIMIT 1), i.body) AS body,
               coalesce((SELECT n.content_hash FROM item_versions n WHERE n.item_url = e.url
                         AND n.replaced_at > e.at ORDER BY n.version LIMIT 1), i.content_hash) AS state_hash,
               {stored} AS body_changes, CASE WHEN {stored} IS NULL THEN v.body END AS body_before,
               {weight} AS significance
        FROM item_events e JOIN items i ON i.url = e.url
        LEFT JOIN item_versions v ON e.event = 'changed' AND v.item_url = e.url
             AND v.version = (SELECT max(p.version) FROM item_versions p
                              WHERE p.item_url = e.url AND p.replaced_at <= e.at)
        WHERE {' AND '.join(where)}
        ORDER BY e.id DESC LIMIT ?"""
    cursor = db.execute(sql, [*params, limit])
    names = [column[0] for column in cursor.description]
    found = [dict(zip(names, row)) for row in cursor.fetchall()]
    for event in found:
        stored_changes, before = event.pop("body_changes"), event.pop("body_before")
        changed = event["event"] == "changed"
        event["changes"] = edit_changes(stored_changes, before, event["body"]) if changed else []
        if changed and event["significance"] is None:
            event["significance"] = diffs.significance(event["changes"])
        event["title_before"] = next((c["before"] for c in event["changes"] if c["op"] == "title"), None)
    if significance is not None:
        found = [e for e in found if e["event"] != "changed" or e["significance"] in significance]
    return found
