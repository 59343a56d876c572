"""The pmkz Datasette plugin: item pages, local images, the volume chart, the month
facet, headline links, column order, the feeds and the site-time SQL functions.

Installing pmkz registers it with Datasette (the `datasette` entry point names the
pmkz.browse.plugins package), so plain `datasette any.db` uses it as `pmkz serve` does,
for every database that is a pmkz archive (browse/databases.py). The work is done in the
`browse` package, so that it can be tested without a server.
"""
from __future__ import annotations

import os
from pathlib import Path

from datasette import hookimpl
from datasette.utils import urlsafe_components
from datasette.utils.asgi import BadRequest, NotFound, Response

from pmkz.browse import (archived, changes, compare, databases, feeds, hits, home, images, item, listing, public,
                         search, sitetime, volume, watch_page)
from pmkz.browse.app import PLUGIN_NAME, images_dir_beside
from pmkz.browse.facets import MonthFacet
from pmkz.storage import search as storage_search

ITEM_TABLES = ("items", "item_versions")


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN_NAME) or {}


def _images_dir(datasette, database: str) -> Path:
    """`pmkz serve`'s (in the plugin's configuration), else PMKZ_IMAGES_DIR's, else the
    one beside the database, as `pmkz serve` chooses."""
    configured = _config(datasette).get("images_dir") or os.environ.get("PMKZ_IMAGES_DIR")
    return Path(configured) if configured else images_dir_beside(Path(datasette.get_database(database).path))


def _first_archive(datasette) -> str | None:
    names = databases.archive_names(datasette)
    return names[0] if names else None


async def _archive(datasette, request):
    """The database the URL names, if it is a pmkz archive."""
    try:
        db = datasette.get_database(route=request.url_vars["database"])
    except KeyError:
        raise NotFound("Database not found")
    if not databases.is_archive(datasette, db.name):
        raise NotFound(f"{db.name} is not a pmkz archive")
    return db


async def _image(request, send, datasette):
    db = await _archive(datasette, request)
    await images.send_image(send, _images_dir(datasette, db.name), request.url_vars["path"])


async def _archived(request, datasette):
    db = await _archive(datasette, request)
    directory = archived.warc_dir(_config(datasette).get("warc_dir"), db.path)
    return await archived.page(datasette, db, int(request.url_vars["capture_id"]), directory,
                               raw=bool(request.url_vars.get("raw")))


async def _search(request, datasette):
    db = await _archive(datasette, request)
    return await hits.page(request, datasette, db, as_json=bool(request.url_vars.get("format")))


async def _volume(request, datasette):
    db = await _archive(datasette, request)
    by = request.args.get("by") or "month"
    if by not in volume.PERIOD_SQL:
        raise BadRequest(f"by must be one of {', '.join(volume.PERIOD_SQL)}")
    context = {**await volume.volume_context(db, by), "database": db.name}
    return Response.html(await datasette.render_template(
        "pmkz_volume.html", context, request=request, view_name="pmkz_volume"))


async def _page(request, datasette, template: str, context: dict):
    return Response.html(await datasette.render_template(
        template, context, request=request, view_name=template.removesuffix(".html")))


async def _compare(request, datasette):
    db = await _archive(datasette, request)
    args = request.args
    return await _page(request, datasette, "pmkz_compare.html", await compare.compare_context(
        datasette, db.name, args.get("url"), args.get("from"), args.get("to")))


async def _changes(request, datasette):
    db = await _archive(datasette, request)
    return await _page(request, datasette, "pmkz_changes.html", await changes.changes_context(
        datasette, db.name, request.args.get("since"), request.args.get("significance")))


async def _watch(request, datasette):
    db = await _archive(datasette, request)
    if _config(datasette).get("public"):
        # `pmkz serve --public` keeps the newsroom's saved searches private.
        raise NotFound("Saved searches are not shown here")
    watch_id = request.url_vars["watch_id"]
    if len(watch_id) > 18:
        raise NotFound("No saved search with that number")
    return await _page(request, datasette, "pmkz_watch.html", await watch_page.watch_context(
        datasette, db.name, int(watch_id)))


async def _feed(request, datasette):
    """`/-/feeds/ru.atom`: the first archive's; `/<database>/-/feeds/ru.atom`: that
    archive's, so that each of several archives served together has its own."""
    if "database" in request.url_vars:
        db = await _archive(datasette, request)
    else:
        name = _first_archive(datasette)
        if name is None:
            raise NotFound("No pmkz archive is served here")
        db = datasette.get_database(name)
    return await feeds.serve_feed(db, request.url_vars["name"], datasette.absolute_url(request, request.path),
                                  saved_searches=not _config(datasette).get("public"))


@hookimpl
def register_routes():
    return [
        (r"^/-/feeds/(?P<name>[^/]+)\.atom$", _feed),
        (r"^/(?P<database>[^/]+)/-/feeds/(?P<name>[^/]+)\.atom$", _feed),
        (r"^/(?P<database>[^/]+)/-/images/(?P<path>.+)$", _image),
        (r"^/(?P<database>[^/]+)/-/volume$", _volume),
        (r"^/(?P<database>[^/]+)/-/search(?P<format>\.json)?$", _search),
        (r"^/(?P<database>[^/]+)/-/archived/(?P<capture_id>[0-9]+)(?P<raw>/raw)?$", _archived),
        (r"^/(?P<database>[^/]+)/-/compare$", _compare),
        (r"^/(?P<database>[^/]+)/-/changes$", _changes),
        (r"^/(?P<database>[^/]+)/-/watches/(?P<watch_id>[0-9]+)$", _watch),
    ]


@hookimpl(specname="handle_exception")
def moved_item(datasette, request, exception):
    # An item link kept from before the site's address changed (another host, port or
    # scheme) leads to the same item, as a path names one item (storage/identity.py).
    route = request.url_vars
    if not isinstance(exception, NotFound) or route.get("table") not in ITEM_TABLES or "pks" not in route:
        return None
    try:
        database = datasette.get_database(route=route["database"]).name
    except KeyError:
        return None
    if not databases.is_archive(datasette, database):
        return None

    async def redirect():
        target = await item.moved_row(datasette, database, route["table"], urlsafe_components(route["pks"]),
                                      route.get("format"))
        query = f"?{request.query_string}" if request.query_string else ""
        return Response.redirect(target + query) if target else None
    return redirect


@hookimpl
def get_metadata(datasette, key, database, table):
    # metadata.yaml for every archive, whatever its name; what Datasette is given on its
    # command line (and `pmkz serve` gives it) takes precedence.
    return databases.metadata(datasette, database)


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    # trylast: after Datasette's search filter, so that the stemmed query replaces the
    # typed text as the MATCH parameter (browse/search.py).
    if not databases.is_archive(datasette, database):
        return None
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
    sitetime.register(conn)
    changes.register(conn)
    for pragma in storage_search.READER_PRAGMAS:
        conn.execute(pragma)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # Headlines link to the reading page: in the items table, and in query results
    # (table is None there) that carry the item's url beside its title.
    if column == "title" and table in ("items", None) and databases.is_archive(datasette, database):
        return listing.title_link(datasette, database, row, value)
    if column == "query" and table == "watches" and databases.is_archive(datasette, database):
        return listing.watch_link(datasette, database, row, value)
    if column in listing.STAMP_COLUMNS and databases.is_archive(datasette, database):
        return listing.stamp_cell(column, value)
    return None


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["pmkz_time"] = sitetime.time_tag


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name in ("index", "database"):
        name = _first_archive(datasette) if view_name == "index" else database
        if name is None or not databases.is_archive(datasette, name):
            return {}

        async def archive_home():
            return {"pmkz_home": await home.home_context(datasette, name, bool(_config(datasette).get("public")))}
        return archive_home
    if not databases.is_archive(datasette, database):
        return {}
    if view_name == "table":
        tables = _config(datasette).get("tables") or {}
        context = {"pmkz_column_order": lambda columns: listing.column_order(
            [c["name"] for c in columns], tables.get(table)),
                   "pmkz_search_help": search.HELP if table == search.TABLE else None}
        if table != search.TABLE:
            return context

        async def with_snippets():
            return {**context, **await hits.table_context(request, datasette, datasette.get_database(database))}
        return with_snippets
    if view_name == "row" and table in ITEM_TABLES:
        async def reading_page():
            pks = urlsafe_components(request.url_vars["pks"])
            if table == "items":
                page = await item.item_context(datasette, database, pks[0], _images_dir(datasette, database))
            elif len(pks) == 2 and pks[1].isdigit():
                page = await item.version_context(datasette, database, pks[0], int(pks[1]),
                                                  _images_dir(datasette, database))
            else:
                page = None
            return {"pmkz": page}
        return reading_page
    return {}


@hookimpl
def menu_links(datasette):
    name = _first_archive(datasette)
    if name is None:
        return []
    base = datasette.urls.database(name)
    return [
        {"href": datasette.urls.table(name, "items"), "label": "Items, newest first"},
        {"href": f"{base}/-/volume", "label": "Publication volume chart"},
        {"href": f"{base}/-/changes", "label": "Changed this week"},
        {"href": f"{base}/new_today", "label": "New today"},
        {"href": f"{base}/gone", "label": "Gone from the site"},
    ]
