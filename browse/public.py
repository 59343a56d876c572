"""`pmkz serve --public`: the archive for readers the operator does not know.

What changes, and why (local use without --public keeps all of it):
- no arbitrary SQL (`allow_sql: false`): canned queries, table filters and the search box
  stay, since they run only the SQL the project wrote;
- a shorter SQL time limit, and no download of the whole database file;
- the crawler's internal tables (revisit clock, list walks and cursors, the capture
  index, the full-text shadow tables) are hidden and refused (403), and so are the
  newsroom's saved searches (`watches`) and their feeds;
- no filesystem path in Datasette's introspection pages (`/-/databases.json`,
  `/-/metadata.json`, any `/-/...`): an absolute path on this machine (one whose
  folders begin as this machine's do, whether or not the file is there: an images dir
  not made yet) is replaced by `HIDDEN`, by an ASGI wrapper around every such response.
"""
from __future__ import annotations

import os
import re

from pmkz.storage.search import TABLE as SEARCH_TABLE

PUBLIC_SETTINGS = {"sql_time_limit_ms": 1000, "allow_download": False}
# The crawler's bookkeeping, and the full-text tables (searched through the items table).
INTERNAL_TABLES = ("revisits", "list_walks", "list_cursors", "captures", "watches", "notify_cursor")
FTS_TABLES = ("items_fts", SEARCH_TABLE)
FTS_SHADOWS = ("config", "content", "data", "docsize", "idx")
HIDDEN = "(hidden)"
# An absolute path of two or more parts, as it appears in JSON or HTML text.
_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s\"'<>&/\\]+/)+[^\s\"'<>&/\\]*")


def internal_tables() -> list[str]:
    return [*INTERNAL_TABLES, *FTS_TABLES,
            *(f"{table}_{shadow}" for table in FTS_TABLES for shadow in FTS_SHADOWS)]


def public_metadata(metadata: dict, database: str) -> dict:
    """`metadata` with SQL refused and the internal tables hidden and refused."""
    metadata = {**metadata, "allow_sql": False}
    databases = metadata.setdefault("databases", {})
    tables = databases.setdefault(database, {}).setdefault("tables", {})
    for table in internal_tables():
        tables[table] = {**tables.get(table, {}), "hidden": True, "allow": False}
    return metadata


def public_settings(settings: dict) -> dict:
    limit = min(settings.get("sql_time_limit_ms", PUBLIC_SETTINGS["sql_time_limit_ms"]),
                PUBLIC_SETTINGS["sql_time_limit_ms"])
    return {**settings, **PUBLIC_SETTINGS, "sql_time_limit_ms": limit}


def scrub_paths(text: str) -> str:
    """`text` with every absolute path on this machine hidden: one that exists, or whose
    first folder does (`/srv/archive/images` before it is made).

    A URL path (`/pmkz/items`) begins with no folder of this machine, so it stays.
    """
    def hide(match: re.Match) -> str:
        path = match.group(0)
        top = "/" + path.lstrip("/").split("/", 1)[0]
        return HIDDEN if os.path.exists(path) or os.path.isdir(top) else path
    return _PATH.sub(hide, text)


def scrubbing(app):
    """ASGI wrapper: responses under `/-/` (Datasette's introspection) have their text
    scrubbed of filesystem paths; everything else passes untouched, streamed."""
    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or not scope.get("path", "").startswith("/-/"):
            return await app(scope, receive, send)
        start, chunks = {}, []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = dict(start.get("headers") or [])
            body = b"".join(chunks)
            kind = headers.get(b"content-type", b"").decode("latin-1")
            if kind.startswith(("application/json", "text/")):
                body = scrub_paths(body.decode("utf-8", "replace")).encode("utf-8")
            headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, collect)
    return wrapped
