"""The Datasette configuration in browse/: every configured page and query answers, on
the browse archive of tests/helpers.py (`build_archive`: a few dozen ru/kk/en records
written through storage.Store)."""
from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from datetime import datetime

import pytest
from click.testing import CliRunner
from datasette.cli import cli as datasette_cli
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import EDITED, GONE, TODAY, build_archive, get, item_path
from pmkz.browse.app import build_datasette, datasette_cli_args
from pmkz.storage import Store


def words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db_path, images_dir, records = build_archive(tmp_path_factory.mktemp("archive"))
    return db_path, images_dir, records


@pytest.fixture(scope="module")
def client(archive):
    db_path, images_dir, _ = archive
    ds = build_datasette(db_path, images_dir)
    yield DatasetteClient(ds)
    for database in ds.databases.values():
        database.close()


SMOKE_PATHS = [
    "/", "/pmkz", "/pmkz/items", "/pmkz/items.json", "/pmkz/items?_search=%D0%BD%D0%B0%D1%83%D1%80%D1%8B%D0%B7",
    "/pmkz/items?published_date__startswith=2024-03", "/pmkz/item_versions", "/pmkz/images",
    "/pmkz/crawl_runs", "/pmkz/failures", "/pmkz/new_today", "/pmkz/new_today?day=2024-05-01",
    "/pmkz/changed_this_week", "/pmkz/gone", "/pmkz/items_per_week", "/pmkz/-/volume",
    "/pmkz/-/volume?by=week", "/pmkz/-/volume?by=year", "/-/static-plugins/pmkz/pmkz.css",
]


@pytest.mark.parametrize("path", SMOKE_PATHS + ["item", "version"])
def test_datasette_cli_serves_every_configured_page(archive, monkeypatch, path):
    """`datasette pmkz.db --setting ... --get PATH` answers 200 (images are
    binary, which --get cannot print: the item page test fetches them)."""
    db_path, images_dir, records = archive
    path = {"item": item_path(records[0]["url"]),
            "version": f"/pmkz/item_versions/{tilde_encode(records[EDITED]['url'])},1"}.get(path, path)
    monkeypatch.setenv("PMKZ_IMAGES_DIR", str(images_dir))
    result = CliRunner().invoke(datasette_cli, ["serve", *datasette_cli_args(db_path), "--get", path])
    assert result.exit_code == 0, f"{path}:\n{result.output[:2000]}"


def test_items_are_sorted_newest_first(client, archive):
    rows = get(client, "/pmkz/items.json?_shape=objects&_size=max").json["rows"]
    dates = [row["published_date"] for row in rows]
    assert len(rows) == len(archive[2]) and dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("word", ["наурыз", "НАУРЫЗ", "премьер", "үкімет", "nauryz"])
def test_search_finds_words_in_any_case(client, archive, word):
    expected = {r["url"] for r in archive[2]
                if word.casefold() in words(r["title"]) | words(r["summary"]) | words(r["body"])}
    assert expected, "the test data should contain the word"
    rows = get(client, f"/pmkz/items.json?_shape=objects&_size=max&_search={word}").json["rows"]
    assert {row["url"] for row in rows} == expected


def test_search_for_premier_finds_the_capitalised_headline(client):
    html = get(client, "/pmkz/items?_search=премьер").text
    assert "Премьер-министр провёл заседание Правительства" in html


def test_facets_count_right(client, archive):
    records = archive[2]
    facets = get(client, "/pmkz/items.json?_size=0").json["facet_results"]
    counts = {name: {r["value"]: r["count"] for r in facet["results"]}
              for name, facet in facets.items()}
    assert counts["lang"] == Counter(r["lang"] for r in records)
    assert counts["kind"] == Counter(r["kind"] for r in records)
    assert counts["category"] == Counter(r["category"] for r in records if r["category"])
    assert counts["status"] == {"live": len(records) - 1, "gone": 1}
    assert facets["published_date"]["type"] == "month"
    assert counts["published_date"] == Counter(r["published_date"][:7] for r in records)


def test_month_facet_filters_to_its_month(client, archive):
    facet = get(client, "/pmkz/items.json?_shape=objects").json["facet_results"]["published_date"]
    march = next(v for v in facet["results"] if v["value"] == "2024-03")
    query = urllib.parse.urlsplit(march["toggle_url"]).query
    assert urllib.parse.parse_qs(query)["published_date__startswith"] == ["2024-03"]
    rows = get(client, f"/pmkz/items.json?{query}").json["rows"]
    assert len(rows) == march["count"] and all(r["published_date"].startswith("2024-03") for r in rows)


def test_internal_columns_are_hidden_from_the_html_table_only(client):
    html = get(client, "/pmkz/items").text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', html)
    assert headers[0] == "title"
    assert not {"etag", "http_last_modified", "content_hash"} & set(headers)
    assert "etag" in get(client, "/pmkz/items.json?_size=1").json["columns"]


def test_headlines_link_to_the_item_page(client, archive):
    html = get(client, "/pmkz/items").text
    assert f'<a href="{item_path(archive[2][0]["url"])}">{archive[2][0]["title"]}</a>' in html


def test_item_page_reads_as_an_article(client, archive):
    rec = archive[2][0]
    html = get(client, item_path(rec["url"])).text
    assert f"<h1>{rec['title']}</h1>" in html
    assert "2024-01-10 10:00 (UTC+05:00)" in html and "Русский" in html
    for paragraph in rec["body"].split("\n\n"):
        assert f"<p>{paragraph}</p>" in html
    assert f'href="{rec["url"]}"' in html
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 2 and all(s.startswith("/pmkz/-/images/") for s in sources)
    assert "primeminister.kz/uploads" not in " ".join(sources)
    image = get(client, sources[0])
    assert image.headers["content-type"] == "image/png"
    assert image.body == (archive[1] / sources[0].removeprefix("/pmkz/-/images/")).read_bytes()
    assert get(client, sources[1]).headers["content-type"] == "image/jpeg"


def test_image_that_was_not_downloaded_is_said_so(client, archive):
    html = get(client, item_path(archive[2][22]["url"])).text
    assert len(re.findall(r"<img src=", html)) == 1 and "was not downloaded" in html


def test_item_page_never_renders_markup_from_the_site(client, archive):
    html = get(client, item_path(archive[2][23]["url"])).text
    assert "&lt;script&gt;alert(&#39;pmkz&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>bold" not in html


def test_edited_item_links_its_versions(client, archive):
    url = archive[2][EDITED]["url"]
    html = get(client, item_path(url)).text
    versions = re.findall(r'<a href="(/pmkz/item_versions/[^"]+)">Version (\d)</a>', html)
    assert [v for _, v in versions] == ["2", "1"]
    page = get(client, versions[0][0]).text
    assert "<h1>Правительство обсудило развитие туризма</h1>" in page
    assert "<del>Глава Правительства поручил ускорить работу.</del>" in page
    assert "<ins>Глава Правительства поручил завершить работу.</ins>" in page
    assert "Правительство обсудило развитие внутреннего туризма" in page


def query_rows(client, name: str, args: str = "") -> list[dict]:
    return get(client, f"/pmkz/{name}.json?_shape=objects{args}").json["rows"]


def test_new_today(client, archive):
    assert {r["url"] for r in query_rows(client, "new_today")} == {archive[2][i]["url"] for i in TODAY}
    assert len(query_rows(client, "new_today", "&day=2024-05-01")) == len(archive[2]) - len(TODAY)


def test_changed_this_week_shows_before_and_after(client, archive):
    [row] = query_rows(client, "changed_this_week")
    assert row["url"] == archive[2][EDITED]["url"] and row["version"] == 2
    assert row["title_before"] == "Правительство обсудило развитие туризма"
    assert row["title_after"] == "Правительство обсудило развитие внутреннего туризма"
    assert row["body_changes"] == ("- Глава Правительства поручил ускорить работу.\n\n"
                                   "+ Глава Правительства поручил завершить работу.")
    older = query_rows(client, "changed_this_week", "&since=2024-01-01")
    assert [r["version"] for r in older] == [2, 1]
    assert older[1]["body_changes"] == "+ Добавлен новый абзац."


def test_changes_are_read_as_stored_with_the_version_not_computed(tmp_path):
    """The canned query and the version page show the changes stored with a version
    when it was written: a reader's request compares no bodies (a long page's diff cost
    half a minute per request)."""
    db_path, images_dir, records = build_archive(tmp_path)
    url = records[EDITED]["url"]
    with Store(db_path) as store:
        store.db.execute("UPDATE item_versions SET body_changes = ? WHERE item_url = ? AND version = 2",
                         ['[{"op": "+", "text": "Как записано при правке."}]', url])
    ds = build_datasette(db_path, images_dir)
    try:
        client = DatasetteClient(ds)
        [row] = query_rows(client, "changed_this_week")
        assert row["body_changes"] == "+ Как записано при правке."
        page = get(client, f"/pmkz/item_versions/{tilde_encode(url)},2").text
        assert "<ins>Как записано при правке.</ins>" in page and "<del>" not in page
    finally:
        for database in ds.databases.values():
            database.close()


def test_gone_pages(client, archive):
    assert [r["url"] for r in query_rows(client, "gone")] == [archive[2][GONE]["url"]]


def test_items_per_week_per_language(client, archive):
    rows = query_rows(client, "items_per_week", "&_size=max")
    records = archive[2]
    for lang in ("ru", "kk", "en"):
        assert sum(r[lang] for r in rows) == sum(rec["lang"] == lang for rec in records)
    assert all(datetime.fromisoformat(r["week"]).weekday() == 0 for r in rows)
    assert sum(r["total"] for r in rows) == len(records)


def test_volume_chart_draws_a_line_per_language(client, archive):
    html = get(client, "/pmkz/-/volume").text
    assert html.count("<polyline ") == 3 and "<svg" in html
    for lang, total in Counter(r["lang"] for r in archive[2]).items():
        assert f"{lang}: {total} items" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", "")
    get(client, "/pmkz/-/volume?by=decade", status=400)


def test_archive_is_served_mutable_and_read_only(client):
    database = client.ds.databases["pmkz"]
    assert database.is_mutable and not database.is_memory
    assert list(client.ds.databases) == ["_internal", "pmkz"]


def test_an_empty_archive_answers_every_page(tmp_path):
    Store(tmp_path / "pmkz.db").close()
    ds = build_datasette(tmp_path / "pmkz.db", tmp_path / "no-images")
    client = DatasetteClient(ds)
    try:
        for path in SMOKE_PATHS:
            get(client, path)
        assert "No items yet" in get(client, "/pmkz/-/volume").text
    finally:
        for database in ds.databases.values():
            database.close()


@pytest.mark.parametrize("path", ["../pmkz.db", "ab/../../pmkz.db", "%2E%2E/pmkz.db", "..%2Fpmkz.db",
                                  "ab/missing.png"])
def test_image_route_serves_nothing_outside_the_images_dir(client, path):
    response = client.get(f"/pmkz/-/images/{path}", follow_redirects=True)
    assert response.status in (400, 404) and b"SQLite format" not in response.body
