"""The changed-this-week page (`/<db>/-/changes`): the edits found since a moment, newest
first, each with its headline, language, when, how much it mattered and a link to its
diff; filterable by significance. Also the SQL function that writes an edit's stored
changes as text, for the `changed_this_week` canned query.

It reads what was stored with each version when the edit was found (its significance;
the diff itself opens on the compare page), so the page costs one query however long
the pages edited, and at most `LIMIT` rows.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest

from pmkz.site import LANGUAGE_NAMES
from pmkz.storage import diffs

from . import compare
from .sitetime import ZONE

# storage/diffs.py's classes, weightiest first.
SIGNIFICANCE = (*reversed(diffs.SIGNIFICANCE), diffs.RETURNED)
DEFAULT_DAYS = 7
LIMIT = 200


def since_stamp(value: str | None, now: datetime) -> str:
    """The UTC stamp `since` names: a date (`2024-03-09`, its start in site time) or an
    ISO moment (in site time unless it gives its offset); the last seven days when left
    out."""
    if not value:
        return (now - timedelta(days=DEFAULT_DAYS)).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZONE)
        # A moment at the calendar's very edge has no UTC time (OverflowError).
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    except (ValueError, OverflowError):
        raise BadRequest(f"since must be a date (2024-03-09) or a moment (2024-03-09T08:00), not {value[:40]!r}")


def changes_text(stored: str | None) -> str:
    """SQL's `pmkz_changes_text(body_changes)`: an edit's stored changes as plain text."""
    return diffs.as_text(diffs.decode(stored)) if stored else ""


def register(conn) -> None:
    conn.create_function("pmkz_changes_text", 1, changes_text, deterministic=True)


async def changes_context(datasette, database: str, since: str | None, significance: str | None,
                          now: datetime | None = None, limit: int = LIMIT) -> dict:
    if significance and significance not in SIGNIFICANCE:
        raise BadRequest(f"significance must be one of {', '.join(SIGNIFICANCE)}")
    start = since_stamp(since, now or datetime.now(timezone.utc))
    db = datasette.get_database(database)
    stored = "significance" if "significance" in await db.table_columns("item_versions") else "NULL"
    where, params = ["replaced_at >= ?"], [start]
    if significance:
        where.append(f"{stored} = ?")
        params.append(significance)
    # The newest edits chosen first, then joined with their items: a week of many edits
    # costs the page no more than its own rows.
    rows = await db.execute(
        "select v.item_url, v.version, v.replaced_at, v.significance, i.title, i.lang, v.title as title_before,"
        "   coalesce(n.title, i.title) as title_after, n.version is null as last"
        f" from (select item_url, version, replaced_at, title, {stored} as significance from item_versions"
        f"       where {' and '.join(where)} order by replaced_at desc, item_url, version limit ?) v"
        " join items i on i.url = v.item_url"
        " left join item_versions n on n.item_url = v.item_url and n.version = v.version + 1"
        " order by v.replaced_at desc, v.item_url, v.version", [*params, limit + 1])
    base = datasette.urls.database(database)
    changes = [{
        "title": row["title_after"], "title_before": row["title_before"] if row["title_before"] != row["title_after"] else None,
        "lang": row["lang"], "language": LANGUAGE_NAMES.get(row["lang"], row["lang"]),
        "at": row["replaced_at"], "significance": row["significance"],
        "item_href": datasette.urls.row(database, "items", tilde_encode(row["item_url"])),
        "diff_href": compare.href(base, row["item_url"], row["version"],
                                  compare.CURRENT if row["last"] else row["version"] + 1),
    } for row in rows.rows[:limit]]
    return {"database": database, "changes": changes, "more": len(rows.rows) > limit, "limit": limit,
            "since": since or "", "start": start + "+00:00", "significance": significance,
            "choices": SIGNIFICANCE}
