"""The archived page: the response an item was parsed from, read back from the raw
archive's WARC files (storage/warc/) and served as captured, but inert.

Whatever the site put in its page runs nowhere: the answer carries
`Content-Security-Policy: sandbox; default-src 'none'` (no scripts, no forms, a unique
origin, and no request at all, so nothing reaches another host or this one) and
`nosniff`. Its capture date is in `Memento-Datetime` and its payload digest in
`X-Archive-Payload-Digest`; the item page shows both beside the link.

Reading it back is bounded as the crawl is (storage/warc/reader.py: no body decoded past the
crawl's size cap). A capture that is not there is a 404, one whose record is lost,
damaged or was refused by the crawl a 410 with one line that says so and names no path.
"""
from __future__ import annotations

import asyncio
import os
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

from datasette.utils.asgi import NotFound, Response

from pmkz.storage.warc import ArchiveReader, UnreadableCapture

HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# SQLite's largest rowid: a larger number names no capture.
_MAX_ID = 2**63 - 1


def warc_dir(configured: str | None, db_path: str | None) -> Path | None:
    """The plugin's `warc_dir`, else $PMKZ_WARC_DIR, else warc/ beside the database."""
    chosen = configured or os.environ.get("PMKZ_WARC_DIR")
    if chosen:
        return Path(chosen)
    return Path(db_path).resolve().parent / "warc" if db_path else None


async def link(datasette, database: str, capture_id: int | None) -> dict | None:
    """What the item page shows of its capture: the link, the date and the digest."""
    if capture_id is None:
        return None
    rows = (await datasette.get_database(database).execute(
        "SELECT id, fetched_at, payload_digest FROM captures WHERE id = ?", [capture_id])).rows
    if not rows:
        return None
    row = rows[0]
    return {"href": f"{datasette.urls.database(database)}/-/archived/{row['id']}",
            "fetched_at": row["fetched_at"], "digest": row["payload_digest"]}


async def page(db, capture_id: int, directory: Path | None) -> Response:
    rows = (await db.execute("SELECT * FROM captures WHERE id = ?", [capture_id])).rows if capture_id <= _MAX_ID else []
    if not rows or directory is None or rows[0]["record_type"] != "response":
        raise NotFound("No archived response with that number")
    capture = dict(rows[0])

    def read():
        with ArchiveReader(directory) as reader:
            record = reader.capture(capture)
            return record, record.content()

    try:
        record, body = await asyncio.to_thread(read)
    except UnreadableCapture as error:
        return Response.text(f"The archived response {capture_id} cannot be shown: {error}.\n", status=410,
                             headers=HEADERS)
    fetched = datetime.fromisoformat(capture["fetched_at"])
    headers = {
        **HEADERS,
        "memento-datetime": format_datetime(fetched, usegmt=True),
        "x-archive-payload-digest": capture["payload_digest"] or "",
        "x-archive-target-uri": capture["url"],
    }
    return Response(body, status=200, headers=headers,
                    content_type=record.header("Content-Type") or "application/octet-stream")
