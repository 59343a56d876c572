"""The archived page: the response an item was parsed from, read back from the raw
archive's WARC files (storage/warc/) and shown as a web archive shows it, but inert.

`/<db>/-/archived/<id>` is the page with a banner on top (captured when, from which
URL, a link back to the item) and its images served from the archive: each `<img>`
whose source (src, a lazy-loading attribute or srcset) is an image the archive holds
points at the archive's own image route. `/<db>/-/archived/<id>/raw` is the response's
body byte for byte.

Whatever the site put in its page runs nowhere: both answers carry
`Content-Security-Policy: sandbox; default-src 'none'` (no scripts, no forms, a unique
origin, and no request, so nothing reaches another host; the shown page may load images
from this server alone) and `nosniff`. Its capture date is in `Memento-Datetime` and its
payload digest in `X-Archive-Payload-Digest`; the item page shows both beside the link.

Reading it back is bounded as the crawl is (storage/warc/reader.py: no body decoded past the
crawl's size cap). A capture that is not there is a 404, one whose record is lost,
damaged or was refused by the crawl a 410 with one line that says so and names no path.
"""
from __future__ import annotations

import asyncio
import html
import json
import os
import re
import urllib.parse
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

from pmkz.storage import identity
from pmkz.storage.warc import ArchiveReader, UnreadableCapture

from .sitetime import time_tag

HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# The shown page may load the images this server holds, nothing else.
SHOWN_HEADERS = {**HEADERS, "content-security-policy": HEADERS["content-security-policy"] + "; img-src 'self'"}
_IMG = re.compile(rb"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""\s([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
# Where an <img> may name its image (as crawler/parsing/images.py reads them), in order.
_SOURCES = (b"src", b"data-src", b"data-original", b"data-lazy-src", b"data-lazy", b"data-full",
            b"data-srcset", b"srcset")
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


async def page(datasette, db, capture_id: int, directory: Path | None, raw: bool) -> Response:
    """The capture `capture_id` as shown (banner, images from the archive), or `raw`."""
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
    content_type = record.header("Content-Type") or "application/octet-stream"
    shown = not raw and content_type.split(";")[0].strip().lower() == "text/html"
    if shown:
        body = await _shown(datasette, db, capture, body)
    fetched = datetime.fromisoformat(capture["fetched_at"])
    headers = {
        **(SHOWN_HEADERS if shown else HEADERS),
        "memento-datetime": format_datetime(fetched, usegmt=True),
        "x-archive-payload-digest": capture["payload_digest"] or "",
        "x-archive-target-uri": capture["url"],
    }
    return Response(body, status=200, headers=headers, content_type=content_type)


async def _shown(datasette, db, capture: dict, body: bytes) -> bytes:
    """The page with the banner after its <body> tag and its held images' <img> tags
    pointing at the archive. Bytes in, bytes out: the page keeps its own encoding, and
    what is added is ASCII (character references for the rest)."""
    sources = {}
    for tag in _IMG.finditer(body):
        for name, value in _attributes(tag.group(0)):
            if name in _SOURCES:
                sources.setdefault(tag.start(), []).extend(_urls(capture["url"], name, value))
    wanted = sorted({url for urls in sources.values() for url in urls})
    held = {row["url"]: row["path"] for row in await db.execute(
        "SELECT url, path FROM images WHERE url IN (SELECT value FROM json_each(?))", [json.dumps(wanted)])}
    base = datasette.urls.database(db.name)

    def rewrite(match: re.Match) -> bytes:
        path = next((held[url] for url in sources.get(match.start(), []) if url in held), None)
        if path is None:
            return match.group(0)
        src = f"{base}/-/images/{urllib.parse.quote(path)}".encode("ascii")
        kept = b"".join(m.group(0) for m in _ATTRIBUTE.finditer(match.group(0)[4:].rstrip(b"/>"))
                        if m.group(1).lower() not in _SOURCES)
        return b'<img src="' + src + b'"' + kept + b">"

    body = _IMG.sub(rewrite, body)
    banner = await _banner(datasette, db, capture)
    found = _BODY.search(body)
    at = found.end() if found else 0
    return body[:at] + banner + body[at:]


def _attributes(tag: bytes) -> list[tuple[bytes, bytes]]:
    found = []
    for match in _ATTRIBUTE.finditer(tag[4:]):
        value = match.group(2) or b""
        found.append((match.group(1).lower(), value[1:-1] if value[:1] in (b'"', b"'") else value))
    return found


def _urls(page_url: str, name: bytes, value: bytes) -> list[str]:
    text = html.unescape(value.decode("utf-8", "replace")).strip()
    candidates = [part.split()[0] for part in text.split(",") if part.split()] if name.endswith(b"srcset") else [text]
    return [urllib.parse.urljoin(page_url, candidate) for candidate in candidates
            if candidate and not candidate.startswith("data:")]


async def _banner(datasette, db, capture: dict) -> bytes:
    item = (await db.execute(f"SELECT url FROM items WHERE {identity.PATH_SQL} = ?",
                             [identity.path_of(capture["url"])])).first()
    back = (f' · <a href="{html.escape(datasette.urls.row(db.name, "items", tilde_encode(item["url"])))}"'
            ' style="color:#fde68a">back to the item in the archive</a>') if item else ""
    raw = f"{datasette.urls.database(db.name)}/-/archived/{capture['id']}/raw"
    text = (f'<div id="pmkz-archive-banner" role="banner" style="all:initial;display:block;box-sizing:border-box;'
            f'width:100%;font:14px/1.5 sans-serif;background:#1f2937;color:#f9fafb;padding:8px 12px;'
            f'border-bottom:3px solid #f59e0b;position:relative;z-index:2147483647">'
            f'<strong>Archived page</strong>, captured {time_tag(capture["fetched_at"])}'
            f' from <code style="color:#fde68a">{html.escape(capture["url"])}</code>{back}'
            f' · <a href="{html.escape(raw)}" style="color:#fde68a">as captured, byte for byte</a>'
            f' · Scripts do not run here.</div>')
    return text.encode("ascii", "xmlcharrefreplace")
