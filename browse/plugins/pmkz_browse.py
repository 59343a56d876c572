"""The pmkz Datasette plugin: item pages, local images, the volume chart, the month
facet, headline links, column order and the paragraph-diff SQL function.

Datasette loads this file from browse/plugins (`--plugins-dir`); the work is done in the
`browse` package, so that it can be tested without a server.
"""
from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils import urlsafe_components
from datasette.utils.asgi import BadRequest, NotFound, Response

from pmkz.browse import archived, diff, feeds, images, item, listing, public, search, sitetime, volume
from pmkz.browse.app import DATABASE_NAME, PLUGIN_NAME
from pmkz.browse.facets import MonthFacet
from pmkz import config
from pmkz.storage import search as storage_search

ITEM_TABLES = ("items", "item_versions")


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN_NAME) or {}


def _images_dir(datasette) -> Path:
    return Path(_config(datasette).get("images_dir") or config.from_env().images_dir)


async def _archive(datasette, request):
    """The database the URL names, if it is a pmkz archive."""
    try:
        db = datasette.get_database(route=request.url_vars["database"])
    except KeyError:
        raise NotFound("Database not found")
    if not await db.table_exists("items"):
        raise NotFound(f"{db.name} is not a pmkz archive")
    return db


async def _image(request, send, datasette):
    await _archive(datasette, request)
    await images.send_image(send, _images_dir(datasette), request.url_vars["path"])


async def _archived(request, datasette):
    db = await _archive(datasette, request)
    directory = archived.warc_dir(_config(datasette).get("warc_dir"), db.path)
    return await archived.page(db, int(request.url_vars["capture_id"]), directory)


async def _volume(request, datasette):
    db = await _archive(datasette, request)
    by = request.args.get("by") or "month"
    if by not in volume.PERIOD_SQL:
        raise BadRequest(f"by must be one of {', '.join(volume.PERIOD_SQL)}")
    context = {**await volume.volume_context(db, by), "database": db.name}
    return Response.html(await datasette.render_template(
        "pmkz_volume.html", context, request=request, view_name="pmkz_volume"))


async def _feed(request, datasette):
    try:
        db = datasette.get_database(DATABASE_NAME)
    except KeyError:
        raise NotFound("No pmkz archive is served here")
    return await feeds.serve_feed(db, request.url_vars["name"], datasette.absolute_url(request, request.path))


@hookimpl
def register_routes():
    return [
        (r"^/-/feeds/(?P<name>[^/]+)\.atom$", _feed),
        (r"^/(?P<database>[^/]+)/-/images/(?P<path>.+)$", _image),
        (r"^/(?P<database>[^/]+)/-/volume$", _volume),
        (r"^/(?P<database>[^/]+)/-/archived/(?P<capture_id>[0-9]+)$", _archived),
    ]


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    # trylast: after Datasette's search filter, so that the stemmed query replaces the
    # typed text as the MATCH parameter (browse/search.py).
    return search.filter_arguments(request, database, table, datasette)


@hookimpl
def register_facet_classes():
    return [MonthFacet]


@hookimpl
def asgi_wrapper(datasette):
    # `pmkz serve --public`: no filesystem paths in the /-/ introspection pages.
    return public.scrubbing if _config(datasette).get("public") else None


@hookimpl
def prepare_connection(conn):
    conn.create_function("pmkz_paragraph_diff", 2, diff.paragraph_diff, deterministic=True)
    sitetime.register(conn)
    for pragma in storage_search.READER_PRAGMAS:
        conn.execute(pragma)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # Headlines link to the reading page: in the items table, and in query results
    # (table is None there) that carry the item's url beside its title.
    if column == "title" and (table == "items" or (table is None and database == DATABASE_NAME)):
        return listing.title_link(datasette, database, row, value)
    return None


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name == "table":
        tables = _config(datasette).get("tables") or {}
        return {"pmkz_column_order": lambda columns: listing.column_order(
            [c["name"] for c in columns], tables.get(table)),
                "pmkz_search_help": search.HELP if table == search.TABLE else None}
    if view_name == "row" and table in ITEM_TABLES:
        async def reading_page():
            pks = urlsafe_components(request.url_vars["pks"])
            if table == "items":
                page = await item.item_context(datasette, database, pks[0], _images_dir(datasette))
            elif len(pks) == 2 and pks[1].isdigit():
                page = await item.version_context(datasette, database, pks[0], int(pks[1]),
                                                  _images_dir(datasette))
            else:
                page = None
            return {"pmkz": page}
        return reading_page
    return {}


@hookimpl
def menu_links(datasette):
    if DATABASE_NAME not in datasette.databases:
        return []
    base = datasette.urls.database(DATABASE_NAME)
    return [
        {"href": datasette.urls.table(DATABASE_NAME, "items"), "label": "Items, newest first"},
        {"href": f"{base}/-/volume", "label": "Publication volume chart"},
        {"href": f"{base}/changed_this_week", "label": "Changed this week"},
        {"href": f"{base}/new_today", "label": "New today"},
        {"href": f"{base}/gone", "label": "Gone from the site"},
    ]
