"""A saved search's own page (`/<db>/-/watches/<id>`): its query, the items it matches now
(newest first), its Atom feed, and its recent history: the runs that found new, edited
or removed items it matches.

Read through storage/watches.py, as the feeds and messages are, so the page, the feed
and the alerts agree on what a search matches. Bounded: at most `MATCHES` items and
the latest `EVENTS` events.
"""
from __future__ import annotations

import urllib.parse

from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound
from sqlite_utils import Database

from pmkz.site import LANGUAGE_NAMES
from pmkz.storage import watches

MATCHES = 50
EVENTS = 200


def _read(conn, watch_id: int) -> dict | None:
    db = Database(conn)
    watch = watches.get(db, watch_id)
    if watch is None:
        return None
    sql, params = watches.check(watch["query"], watch["lang"], conn)
    where, values = [f"rowid in ({sql})"], list(params)
    if watch["lang"]:
        where.append("lang = ?")
        values.append(watch["lang"])
    cursor = conn.execute(
        "select url, title, lang, published_date, published_at, status from items"
        f" where {' and '.join(where)} order by published_date desc, published_at desc limit ?",
        [*values, MATCHES + 1])
    names = [column[0] for column in cursor.description]
    matches = [dict(zip(names, row)) for row in cursor.fetchall()]
    found = watches.events(db, query=watch["query"], lang=watch["lang"], limit=EVENTS)
    runs = {row[0]: row[1] for row in conn.execute(
        "select id, started from crawl_runs where id in (select value from json_each(?))",
        [str(sorted({event["run_id"] for event in found if event["run_id"] is not None}))])}
    return {"watch": watch, "matches": matches, "events": found, "runs": runs}


async def watch_context(datasette, database: str, watch_id: int) -> dict:
    db = datasette.get_database(database)
    try:
        read = await db.execute_fn(lambda conn: _read(conn, watch_id))
    except ValueError:
        # A search saved by an older pmkz that no longer compiles: shown as not found
        # rather than as a server error.
        read = None
    if read is None:
        raise NotFound("No saved search with that number")
    base = datasette.urls.database(database)

    def page(url: str) -> str:
        return datasette.urls.row(database, "items", tilde_encode(url))

    history: dict = {}
    for event in read["events"]:
        run = history.setdefault(event["run_id"], {
            "run_id": event["run_id"], "started": read["runs"].get(event["run_id"]) or event["at"],
            "events": []})
        run["events"].append({"event": event["event"], "title": event["title"], "at": event["at"],
                              "significance": event.get("significance"), "href": page(event["url"])})
    watch = read["watch"]
    return {
        "database": database, "watch": watch,
        "language": LANGUAGE_NAMES.get(watch["lang"], watch["lang"]) if watch["lang"] else None,
        "matches": [{**row, "href": page(row["url"]), "language": LANGUAGE_NAMES.get(row["lang"], row["lang"])}
                    for row in read["matches"][:MATCHES]],
        "more": len(read["matches"]) > MATCHES, "limit": MATCHES,
        "search_href": datasette.urls.table(database, "items") + "?" + urllib.parse.urlencode(
            {"_search": watch["query"], **({"lang": watch["lang"]} if watch["lang"] else {})}),
        "feed_href": f"{base}/-/feeds/watch-{watch['id']}.atom",
        "history": list(history.values()),
    }
