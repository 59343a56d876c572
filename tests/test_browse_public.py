"""Datasette edges: `pmkz serve --public`, the images dir that belongs to the
database, item pages (other languages by name, removal date, category names), "new
today" in site time, and the volume chart by month linked to its items.

Real Datasette through its test client on real SQLite files built through the Store,
`pmkz serve` as a process for what the command line decides.
"""
from __future__ import annotations

import contextlib
import html as markup
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import GONE, SITE, build_archive, get, item_path, serve_here, serving
from helpers import sample_record as record
from pmkz.browse import public
from pmkz.browse.app import build_datasette
from pmkz.storage import Store

INTROSPECTION = ["/-/databases.json", "/-/metadata.json", "/-/plugins.json", "/-/versions.json",
                 "/-/settings.json", "/-/threads.json", "/-/actor.json", "/-/databases",
                 "/-/metadata"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("public"))


@contextlib.contextmanager
def client_for(db_path, images_dir, public_mode: bool):
    ds = build_datasette(db_path, images_dir, public=public_mode)
    try:
        yield DatasetteClient(ds)
    finally:
        for database in ds.databases.values():
            database.close()


@pytest.fixture(scope="module")
def public_client(archive):
    with client_for(archive[0], archive[1], True) as client:
        yield client


@pytest.fixture(scope="module")
def local_client(archive):
    with client_for(archive[0], archive[1], False) as client:
        yield client


def test_public_refuses_arbitrary_sql_and_keeps_canned_queries_and_search(public_client, archive):
    sql = urllib.parse.quote("select url from revisits")
    assert public_client.get(f"/pmkz?sql={sql}").status == 403
    assert public_client.get(f"/pmkz.json?sql={sql}").status == 403
    assert public_client.get("/pmkz/items?_where=1%3D1").status in (400, 403)
    for path in ("/pmkz/new_today", "/pmkz/changed_this_week", "/pmkz/gone", "/pmkz/items_per_week",
                 "/pmkz/-/volume", "/pmkz/items", item_path(archive[2][0]["url"])):
        get(public_client, path)
    rows = get(public_client, "/pmkz/items.json?_shape=objects&_search=%D0%BD%D0%B0%D1%83%D1%80%D1%8B%D0%B7").json["rows"]
    assert rows, "the search box still searches"


@pytest.mark.parametrize("query, message", [
    ("_searchx=1", "Unknown parameter _searchx: search with _search= or _search_&lt;column&gt;="),
    ("_searchmode=raw&_search_body=a&_searches=b", "Unknown parameter _searches"),
    ("_search_=a", "Cannot search by that column"),
])
def test_a_misspelt_search_parameter_is_a_400_that_says_how(public_client, query, message):
    assert message in get(public_client, f"/pmkz/items?{query}", 400).text
    assert get(public_client, f"/pmkz/items.json?{query}", 400).json["ok"] is False


def test_public_json_names_no_filesystem_path(public_client, archive):
    root = str(archive[0].parent)
    for path in INTROSPECTION:
        response = public_client.get(path)
        assert response.status == 200, path
        assert root not in response.text and "/tmp/" not in response.text, (path, response.text[:500])
        assert "/work/" not in response.text, path
    databases = public_client.get("/-/databases.json").json
    assert databases[0]["name"] == "pmkz" and databases[0]["path"] == public.HIDDEN


def test_local_use_stays_open(local_client, archive):
    sql = urllib.parse.quote("select count(*) as n from revisits")
    assert local_client.get(f"/pmkz.json?sql={sql}&_shape=array").json == [{"n": 0}]
    assert str(archive[0]) in local_client.get("/-/databases.json").text
    assert local_client.get("/pmkz/revisits").status == 200


def test_public_hides_and_refuses_internal_tables(public_client):
    listed = public_client.get("/pmkz.json").json
    names = {table["name"] for table in listed["tables"] if not table.get("hidden")}
    assert {"items", "item_versions", "images", "crawl_runs"} <= names
    for table in public.internal_tables():
        assert table not in names
    for table in ("revisits", "list_walks", "list_cursors", "captures", "items_fts_data", "items_search_idx"):
        assert public_client.get(f"/pmkz/{table}").status == 403, table
        assert public_client.get(f"/pmkz/{table}.json").status == 403, table


def test_public_has_a_sql_time_limit_and_no_database_download(public_client, local_client):
    settings = public_client.get("/-/settings.json").json
    assert 0 < settings["sql_time_limit_ms"] <= 1000 and settings["allow_download"] is False
    assert public_client.get("/pmkz.db").status in (403, 404)
    assert local_client.get("/-/settings.json").json["sql_time_limit_ms"] == 3000


def test_the_time_limit_interrupts_a_slow_query(public_client):
    # The limit applies to what the server runs for a reader: a slow query ends in an
    # error page after the limit, not after the query.
    db = public_client.ds.get_database("pmkz")
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    import asyncio

    from datasette.database import QueryInterrupted

    with pytest.raises(QueryInterrupted):
        asyncio.run(db.execute(slow, custom_time_limit=public_client.ds.setting("sql_time_limit_ms")))


def test_pmkz_serve_public_as_a_process(archive):
    db_path, images_dir, _ = archive
    with serving(db_path, images_dir, "--public") as url:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "pmkz?sql=select+1", timeout=10)
        assert refused.value.code == 403
        with urllib.request.urlopen(url + "-/databases.json", timeout=10) as response:
            text = response.read().decode()
        assert str(db_path.parent) not in text and "pmkz" in text


def test_images_are_found_beside_the_database(tmp_path):
    """`pmkz serve --db data/demo.db` with the demo's data/demo-images: no --images-dir."""
    db_path, images_dir, records = build_archive(tmp_path / "build")
    data = tmp_path / "data"
    data.mkdir()
    shutil.move(db_path, data / "demo.db")
    shutil.move(images_dir, data / "demo-images")
    ds = build_datasette(data / "demo.db", None)
    try:
        html = DatasetteClient(ds).get(item_path(records[0]["url"])).text
        assert html.count('<img src="/pmkz/-/images/') == 2 and "was not downloaded" not in html
    finally:
        for database in ds.databases.values():
            database.close()


def test_serve_without_images_dir_uses_the_ones_beside_the_database(tmp_path, monkeypatch):
    db_path, images_dir, records = build_archive(tmp_path / "build")
    data = tmp_path / "data"
    data.mkdir()
    shutil.move(db_path, data / "demo.db")
    shutil.move(images_dir, data / "demo-images")
    monkeypatch.delenv("PMKZ_IMAGES_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    client, ds = serve_here(monkeypatch, "--db", str(data / "demo.db"))
    try:
        html = get(client, item_path(records[0]["url"])).text
        src = re.search(r'<img src="(/pmkz/-/images/[^"]+)"', html).group(1)
        response = get(client, src)
        assert response.headers["content-type"].startswith("image/")
    finally:
        for database in ds.databases.values():
            database.close()


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """ru and kk versions of one event linking each other (and an en one not stored),
    a removed item, and items first found on each side of midnight in Almaty."""
    root = tmp_path_factory.mktemp("linked")
    db_path = root / "pmkz.db"
    ru = {**record(0), "translations": {"kk": "http://127.0.0.1:9/kz/news/reviews/article-10-30010",
                                         "en": f"{SITE}/en/news/reviews/not-stored-1"},
          "category": "reviews"}
    kk = {**record(10), "translations": {"ru": ru["url"]}}
    gone = record(GONE)
    other = {**record(2), "category": "press-releases"}
    with Store(db_path) as store:
        store.save_item(ru, now="2024-02-29T20:30:00+00:00")  # 01:30 on 1 March (UTC+5 from its midnight)
        store.save_item(kk, now="2024-03-01T18:59:00+00:00")  # 23:59 on 1 March (UTC+5 by then)
        store.save_item(gone, now="2024-03-01T19:30:00+00:00")  # 00:30 on 2 March
        store.save_item(other, now="2024-02-29T17:00:00+00:00")  # 23:00 on 29 February
        store.mark_gone(gone["url"], now="2024-04-02T07:15:00+00:00")
    ds = build_datasette(db_path, root / "images")
    yield DatasetteClient(ds), {"ru": ru, "kk": kk, "gone": gone, "other": other}
    for database in ds.databases.values():
        database.close()


def test_item_page_links_other_languages_by_name(linked):
    client, items = linked
    html = get(client, item_path(items["ru"]["url"])).text
    also = re.search(r'<p class="pmkz-translations">(.*?)</p>', html, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+">([^<]+)</a>', also)
    # kk is stored (at another host): this archive's page; en is not: the site's.
    assert links == [(f"/pmkz/items/{tilde_encode(items['kk']['url'])}", "kk", "Қазақша"),
                     (f"{SITE}/en/news/reviews/not-stored-1", "en", "English")]
    back = re.search(r'<p class="pmkz-translations">(.*?)</p>', get(client, item_path(items["kk"]["url"])).text, re.S)
    assert ">Русский</a>" in back.group(1)


def test_item_page_names_the_category_and_the_removal_date(linked):
    client, items = linked
    html = get(client, item_path(items["ru"]["url"])).text
    assert '<span class="pmkz-category" title="reviews">Обзоры</span>' in html
    assert '<span class="pmkz-category" title="press-releases">press-releases</span>' in get(
        client, item_path(items["other"]["url"])).text
    gone = get(client, item_path(items["gone"]["url"])).text
    assert re.search(r'gone from the site since <time datetime="2024-04-02T07:15:00\+00:00" title="2024-04-02 07:15 UTC">'
                     r"2024-04-02 12:15 \(UTC\+05:00\)</time>", gone)


def test_new_today_counts_days_in_site_time(linked):
    client, items = linked

    def urls(day):
        rows = get(client, f"/pmkz/new_today.json?_shape=objects&day={day}").json["rows"]
        return {row["url"] for row in rows}

    assert urls("2024-03-01") == {items["ru"]["url"], items["kk"]["url"]}
    assert urls("2024-03-02") == {items["gone"]["url"]}
    assert urls("2024-02-29") == {items["other"]["url"]}
    rows = get(client, "/pmkz/new_today.json?_shape=objects&day=2024-03-01").json["rows"]
    assert "2024-03-01 01:30 (UTC+05:00)" in {row["first_seen_site_time"] for row in rows}
    assert get(client, "/pmkz/new_today.json?_shape=objects").json["rows"] == []  # today: nothing


def test_volume_chart_reads_by_month_and_links_each_point(archive, local_client):
    client = local_client
    html = get(client, "/pmkz/-/volume").text
    svg = html.split("<figure class=\"pmkz-chart\">", 1)[1].split("</svg>")[0]
    assert ">Jan 2024</text>" in svg and ">Apr 2024</text>" in svg
    hrefs = [markup.unescape(h) for h in re.findall(r'<a class="pmkz-point" href="([^"]+)">', svg)]
    assert len(hrefs) == 3 * 4  # three languages, four months
    href = next(h for h in hrefs if "2024-03" in h and "lang=kk" in h)
    expected = {r["url"] for r in archive[2] if r["lang"] == "kk" and r["published_date"].startswith("2024-03")}
    rows = get(client, href.replace("/pmkz/items?", "/pmkz/items.json?_shape=objects&_size=max&")).json["rows"]
    assert {row["url"] for row in rows} == expected and expected
    assert re.search(r'<td><a href="/pmkz/items\?published_date__startswith=2024-03">Mar 2024</a></td>', html)
    week = get(client, "/pmkz/-/volume?by=week").text
    link = re.search(r'href="(/pmkz/items\?published_date__gte=[^"]+)"', week).group(1)
    assert "published_date__lte=" in link


def test_a_path_is_hidden_before_it_exists_and_a_url_path_is_not(tmp_path):
    # `pmkz serve --public --images-dir DIR` names DIR in /-/metadata.json even when
    # the folder is not made yet.
    missing = tmp_path / "not-made-yet" / "images"
    text = json.dumps({"images_dir": str(missing), "css": "/-/static-plugins/pmkz/pmkz.css",
                       "feed": "/-/feeds/ru.atom", "items": "/pmkz/items?_search=x"})
    scrubbed = public.scrub_paths(text)
    assert str(missing) not in scrubbed and public.HIDDEN in scrubbed
    for url in ("/-/static-plugins/pmkz/pmkz.css", "/-/feeds/ru.atom", "/pmkz/items?_search=x"):
        assert url in scrubbed
