"""The archived page: the response an item was parsed from, read back from the raw
archive's WARC files (storage/warc.py) and served as captured, but inert.

Whatever the site put in its page runs nowhere: the answer carries
`Content-Security-Policy: sandbox; default-src 'none'` (no scripts, no forms, a unique
origin, and no request at all, so nothing reaches another host or this one) and
`nosniff`. Its capture date is in `Memento-Datetime` and its payload digest in
`X-Archive-Payload-Digest`; the item page shows both beside the link.
"""
from __future__ import annotations

import asyncio
import os
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

from datasette.utils.asgi import NotFound, Response

from pmkz.storage.warc import ArchiveReader

HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


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
    rows = (await db.execute("SELECT * FROM captures WHERE id = ?", [capture_id])).rows
    if not rows or directory is None or rows[0]["record_type"] != "response":
        raise NotFound("No archived response with that number")
    capture = dict(rows[0])

    def read():
        with ArchiveReader(directory) as reader:
            return reader.read(capture["warc_file"], capture["warc_offset"], capture["warc_length"])

    try:
        record = await asyncio.to_thread(read)
        body = record.content()
    except (OSError, ValueError) as error:
        raise NotFound(f"The archived response cannot be read: {error}")
    fetched = datetime.fromisoformat(capture["fetched_at"])
    headers = {
        **HEADERS,
        "memento-datetime": format_datetime(fetched, usegmt=True),
        "x-archive-payload-digest": capture["payload_digest"] or "",
        "x-archive-target-uri": capture["url"],
    }
    return Response(body, status=200, headers=headers,
                    content_type=record.header("Content-Type") or "application/octet-stream")
