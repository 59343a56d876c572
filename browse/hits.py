"""What a search finds, as a reader scans it: each hit with a snippet of its text around
the words it matched, in <mark> (pmkz.storage.search.snippets).

- `/<database>/-/search?q=...`: the hits most relevant first (bm25, the headline
  weighing above the body), a page at a time; `order=newest` for newest first; `lang`
  for one language. The items table's own search stays the default, newest first: each
  page links to the other, keeping the query.
- `/<database>/-/search.json?q=...`: the same hits as JSON, each with `title_html` and
  `snippet_html` (escaped text with the matched words in <mark>).
- On the items table page, with `_search=`, the snippets under the headlines
  (`table_context`, for _table.html).

Bounded per request: PAGE_SIZE hits a page, MAX_PAGE pages, at most SNIPPETS_PER_PAGE
snippets on a table page (whatever `_size`), each from the first SCAN_CHARS characters
of a text.
"""
from __future__ import annotations

import urllib.parse

from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest, Response

from pmkz.browse.search import HELP, searched_language
from pmkz.storage import search
from pmkz.storage.search import snippets

TABLE = "items"
PAGE_SIZE = 20
# A ranked list costs as much to page deep as to page first (every hit is scored); no
# reader pages past this.
MAX_PAGE = 50
SNIPPETS_PER_PAGE = 50
LANGS = ("ru", "kk", "en")
ORDERS = ("relevance", "newest")
# storage/schema.py's index of items by date.
DATE_INDEX = "idx_items_published_date"


async def table_context(request, datasette, db) -> dict:
    """For the items table page with `_search=`: `pmkz_snippet`, a function of a
    displayed row giving its snippet (None past SNIPPETS_PER_PAGE rows), and
    `pmkz_relevance`, the link to the same search most relevant first."""
    typed = request.args.get("_search")
    if not typed:
        return {}
    lang = searched_language(request.args)
    try:
        query = await db.execute_fn(lambda conn: search.compile_query(typed, conn=conn, lang=lang))
    except search.QueryTooLarge:
        return {}  # the search filter answers it with a 400
    if query is None:
        return {}
    mark = snippets.marker(query)
    shown = 0

    def snippet(row):
        nonlocal shown
        shown += 1
        if shown > SNIPPETS_PER_PAGE:
            return None
        raw = {cell["column"]: cell["raw"] for cell in row}
        body = (raw.get("body") or "")[:snippets.SCAN_CHARS]
        return snippets.snippet([body, raw.get("summary")], mark, raw.get("lang"))
    return {"pmkz_snippet": snippet, "pmkz_relevance": _search_url(datasette, db.name, typed, lang, "relevance")}


def _search_url(datasette, database: str, typed: str, lang: str | None, order: str, page: int = 1,
                suffix: str = "") -> str:
    args = {"q": typed, **({"lang": lang} if lang else {}), **({"order": order} if order != "relevance" else {}),
            **({"page": page} if page > 1 else {})}
    return f"{datasette.urls.database(database)}/-/search{suffix}?{urllib.parse.urlencode(args)}"


def _table_url(datasette, database: str, typed: str, lang: str | None) -> str:
    args = {"_search": typed, **({"lang": lang} if lang else {})}
    return f"{datasette.urls.table(database, TABLE)}?{urllib.parse.urlencode(args)}"


def _arguments(request) -> tuple[str, str, str | None, int]:
    args = request.args
    typed = args.get("q") or ""
    order = args.get("order") or "relevance"
    if order not in ORDERS:
        raise BadRequest(f"order must be one of {', '.join(ORDERS)}")
    lang = args.get("lang") or None
    if lang is not None and lang not in LANGS:
        raise BadRequest(f"lang must be one of {', '.join(LANGS)}")
    page = args.get("page") or "1"
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}")
    return typed, order, lang, int(page)


def find(conn, typed: str, order: str, lang: str | None, page: int) -> dict:
    """The page of hits of `typed` in `order`, with their snippets, and their count:
    `shown` (the query as searched, None for no word), `total`, `hits`."""
    query = search.compile_query(typed, conn=conn, lang=lang)
    if query is None:
        return {"shown": None, "total": 0, "hits": [], "suggest": []}
    rowids, params = query.rowids()
    if lang:
        in_lang, params = f"SELECT rowid FROM items WHERE rowid IN ({rowids}) AND lang = ?", params + [lang]
        rowids = in_lang
    # Counted in the index: the items rows are not read.
    (total,) = conn.execute(f"SELECT count(*) FROM ({rowids})", params).fetchone()
    if order == "relevance":
        ranked, page_params = query.ranked()
        # Scored once, then narrowed: FTS5 would run the MATCH again for each rowid
        # given to it as a constraint.
        page_sql = f"WITH hits AS MATERIALIZED ({ranked}) SELECT id FROM hits"
        if lang:
            page_sql, page_params = f"{page_sql} WHERE id IN ({rowids})", page_params + params
        page_sql += " ORDER BY score, id DESC"
    else:
        # Down the date index, stopping at the page's end, rather than sorting every
        # hit: a common word's tens of thousands cost more than the index's walk.
        page_sql = (f"SELECT rowid FROM items INDEXED BY {DATE_INDEX} WHERE rowid IN ({rowids})"
                    " ORDER BY published_date DESC, rowid DESC")
        page_params = params
    ids = [rowid for (rowid,) in conn.execute(f"{page_sql} LIMIT ? OFFSET ?",
                                              [*page_params, PAGE_SIZE, (page - 1) * PAGE_SIZE])]
    rows = {row[0]: row[1:] for row in conn.execute(
        f"SELECT rowid, url, title, summary, substr(body, 1, {snippets.SCAN_CHARS}), lang, published_date"
        f" FROM items WHERE rowid IN ({', '.join('?' * len(ids))})", ids)}
    mark = snippets.marker(query)
    hits = [{"url": url, "title": title, "lang": item_lang, "published_date": published,
             "title_html": snippets.highlight(title, mark, item_lang),
             "snippet_html": snippets.snippet([body, summary], mark, item_lang)}
            for url, title, summary, body, item_lang, published in (rows[i] for i in ids)]
    # With no hits, as the items page offers them: the longest prefixes some item begins.
    suggest = search.suggest_prefixes(conn, typed) if not total and query.column is None else []
    return {"shown": query.shown, "total": total, "hits": hits, "suggest": suggest}


async def results(db, typed: str, order: str, lang: str | None, page: int) -> dict:
    try:
        return await db.execute_fn(lambda conn: find(conn, typed, order, lang, page))
    except search.QueryTooLarge as error:
        raise BadRequest(f"Search not run: {error}.") from None


async def page(request, datasette, db, as_json: bool):
    """`/<database>/-/search` (HTML) and `/<database>/-/search.json`."""
    typed, order, lang, number = _arguments(request)
    found = await results(db, typed, order, lang, number)
    other = "newest" if order == "relevance" else "relevance"
    more = number < MAX_PAGE and number * PAGE_SIZE < found["total"]
    links = {
        "next": _search_url(datasette, db.name, typed, lang, order, number + 1, ".json" if as_json else "")
        if more else None,
        "other_order": _search_url(datasette, db.name, typed, lang, other, 1, ".json" if as_json else ""),
        "items_table": _table_url(datasette, db.name, typed, lang),
    }
    if as_json:
        return Response.json({
            "query": typed, "searched_as": found["shown"], "order": order, "lang": lang, "page": number,
            "page_size": PAGE_SIZE, "total": found["total"], "suggest": found["suggest"],
            "hits": [{**hit, "item": datasette.absolute_url(request, _item_path(datasette, db.name, hit["url"])),
                      "title_html": str(hit["title_html"]), "snippet_html": str(hit["snippet_html"])}
                     for hit in found["hits"]],
            **links})
    for hit in found["hits"]:
        hit["item"] = _item_path(datasette, db.name, hit["url"])
    found["suggest"] = [(form, _search_url(datasette, db.name, form, lang, order)) for form in found["suggest"]]
    context = {"database": db.name, "typed": typed, "order": order, "lang": lang, "page": number,
               "langs": LANGS, "help": HELP, "page_size": PAGE_SIZE, **found, **links}
    return Response.html(await datasette.render_template(
        "pmkz_search.html", context, request=request, view_name="pmkz_search"))


def _item_path(datasette, database: str, url: str) -> str:
    return datasette.urls.row(database, TABLE, tilde_encode(url))
