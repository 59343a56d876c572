"""Any two states of an item compared, word by word, with the timeline of its versions.

`/<db>/-/compare?url=<item url>&from=2&to=current`: a state is a version number
(`item_versions.version`) or `current` (the `items` row). Two states one edit apart show
what was stored with that edit (storage/diffs.py computed it once, when the version was
written); any other pair is compared on request by `diffs.compare`, whose cost is bounded
whatever the pages' length. The page reads its two states and the timeline's short
columns in three queries, never a query per paragraph.
"""
from __future__ import annotations

import urllib.parse

from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest, NotFound
from markupsafe import Markup

from pmkz.site import LANGUAGE_NAMES
from pmkz.storage import diffs

CURRENT = "current"


def state_name(value: str | None, what: str) -> str | int | None:
    """`from`/`to` as given: a version number, `current`, or None when left out."""
    if value in (None, ""):
        return None
    if value == CURRENT:
        return CURRENT
    if value.isascii() and value.isdigit() and len(value) < 10 and int(value) > 0:
        return int(value)
    raise BadRequest(f"{what} must be a version number or {CURRENT}, not {value[:40]!r}")


def href(base: str, url: str, before, after) -> str:
    """The compare page of the states `before` and `after` of the item at `url`."""
    return f"{base}/-/compare?" + urllib.parse.urlencode({"url": url, "from": before, "to": after})


async def compare_context(datasette, database: str, url: str | None, before: str | None,
                          after: str | None) -> dict:
    if not url:
        raise BadRequest("url is required: the address of an item of this archive")
    before, after = state_name(before, "from"), state_name(after, "to")
    db = datasette.get_database(database)
    columns = set(await db.table_columns("item_versions"))
    significance = "significance" if "significance" in columns else "NULL"
    item = (await db.execute("select url, title, summary, lang, body, first_seen from items where url = ?", [url])).first()
    if item is None:
        raise NotFound("No item with that address in this archive")
    timeline = [dict(row) for row in await db.execute(
        f"select version, title, valid_from, replaced_at, {significance} as significance"
        " from item_versions where item_url = ? order by version", [url])]
    latest = timeline[-1]["version"] if timeline else 0
    if before is None:
        before = latest or CURRENT
    if after is None:
        after = _next(before, latest)
    number = {CURRENT: latest + 1}
    for state in (before, after):
        if state != CURRENT and state > latest:
            raise NotFound(f"This item has no version {state}")
    item = dict(item)
    first, second = await _state(db, item, before), await _state(db, item, after)
    one_edit = number.get(after, after) == number.get(before, before) + 1
    changes, weight = changes_between(first, second, stored=one_edit)
    base = datasette.urls.database(database)
    lo, hi = sorted((number.get(before, before), number.get(after, after)))

    def name(n: int):
        return CURRENT if n > latest else n

    states = [{**row, "name": row["version"], "label": f"Version {row['version']}", "valid_until": row["replaced_at"]}
              for row in timeline]
    states.append({"name": CURRENT, "label": "Current version", "title": item["title"],
                   "valid_from": timeline[-1]["replaced_at"] if timeline else item["first_seen"],
                   "valid_until": None, "significance": None})
    for n, state in enumerate(states, 1):
        state["chosen"] = lo <= n <= hi
        state["edit_href"] = href(base, url, states[n - 2]["name"], state["name"]) if n > 1 else None
        state["edit_significance"] = states[n - 2]["significance"] if n > 1 else None
        state["page_href"] = (datasette.urls.row(database, "items", tilde_encode(url)) if state["name"] == CURRENT
                              else datasette.urls.row(database, "item_versions",
                                                      f"{tilde_encode(url)},{state['name']}"))
    return {
        "database": database, "url": url, "title": item["title"], "lang": item["lang"],
        "language": LANGUAGE_NAMES.get(item["lang"], item["lang"]),
        "item_href": datasette.urls.row(database, "items", tilde_encode(url)),
        "before": _label(before), "after": _label(after), "from_state": before, "to_state": after,
        "before_title": first["title"], "after_title": second["title"],
        "changes": Markup(diffs.as_html(changes)) if changes else None,
        "significance": weight,
        "states": states,
        "previous_href": href(base, url, lo - 1, name(lo)) if lo > 1 else None,
        "next_href": href(base, url, hi, name(hi + 1)) if hi <= latest else None,
    }


def changes_between(old: dict, new: dict, stored: bool) -> tuple[list[dict], str | None]:
    """The operations taking the state `old` to `new`, and how much they weigh. `stored`
    (`new` is the state that replaced the version `old`): as stored with `old` when its
    edit was found, compared now only in an archive too old to hold them (read-only)."""
    kept = old.get("body_changes") if stored else None
    if kept is not None:
        changes, weight = diffs.decode(kept), old.get("significance")
    else:
        changes = diffs.compare(old["body"], new["body"], old["title"], new["title"], old["summary"], new["summary"])
        weight = None
    return changes, weight or (diffs.significance(changes) if changes else None)


def _next(state, latest: int):
    return CURRENT if state == CURRENT or state >= latest else state + 1


def _label(name) -> str:
    return "the current version" if name == CURRENT else f"version {name}"


async def _state(db, item: dict, state) -> dict:
    if state == CURRENT:
        return item
    return dict((await db.execute("select * from item_versions where item_url = ? and version = ?",
                                  [item["url"], state])).first())
