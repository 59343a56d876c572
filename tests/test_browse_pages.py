"""The Datasette configuration in browse/: every configured page and query answers, on
the browse archive of tests/helpers.py (`build_archive`: a few dozen ru/kk/en records
written through storage.Store)."""
from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from datetime import datetime
from html import unescape as html_unescape

import pytest
from click.testing import CliRunner
from datasette.cli import cli as datasette_cli
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import (ARCHIVED, COSMETIC, EDITED, GONE, TODAY, WATCHED, build_archive, build_reader_archive, get,
                     item_path, item_record)
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
    assert not {"etag", "http_last_modified", "content_hash", "image_captions"} & set(headers)
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


def test_edited_item_links_its_versions_and_each_shows_the_words_its_next_edit_changed(client, archive):
    url = archive[2][EDITED]["url"]
    html = get(client, item_path(url)).text
    versions = re.findall(r'<a href="(/pmkz/item_versions/[^"]+)">Version (\d)</a>', html)
    assert [v for _, v in versions] == ["2", "1"]
    page = get(client, versions[0][0]).text
    assert "<h1>Правительство обсудило развитие туризма</h1>" in page
    changes = section(page, "pmkz-changes")
    assert "Глава Правительства поручил <del>ускорить</del><ins>завершить</ins> работу." in changes
    assert re.search(r"Headline: Правительство обсудило развитие ?<ins> ?внутреннего ?</ins> ?туризма", changes)
    assert "<del>Глава Правительства" not in changes and "<ins>Глава Правительства" not in changes


def section(html: str, css_class: str) -> str:
    """The first <section> of that class, as HTML."""
    match = re.search(rf'<section class="{css_class}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section {css_class}"
    return match.group(1)


def test_item_page_says_what_its_last_edit_changed(client, archive):
    url = archive[2][EDITED]["url"]
    changes = section(get(client, item_path(url)).text, "pmkz-changes")
    assert "What the last edit changed" in changes and "pmkz-significance pmkz-substantive" in changes
    assert "поручил <del>ускорить</del><ins>завершить</ins> работу." in changes
    compare = re.search(r'class="pmkz-compare" href="([^"]+)"', changes).group(1)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(html_unescape(compare)).query) == {
        "url": [url], "from": ["2"], "to": ["current"]}
    assert "pmkz-changes" not in get(client, item_path(archive[2][0]["url"])).text


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
    assert row["significance"] == "substantive"
    assert row["body_changes"].endswith("~ Глава Правительства поручил [-ускорить-]{+завершить+} работу.")
    older = query_rows(client, "changed_this_week", "&since=2024-01-01")
    assert [r["version"] for r in older] == [2, 1]
    assert older[1]["body_changes"] == "+ Добавлен новый абзац."
    assert query_rows(client, "changed_this_week", "&since=2024-01-01&significance=cosmetic") == []


def test_changed_this_week_shows_its_rows_not_its_sql_first(client):
    html = get(client, "/pmkz/changed_this_week").text
    assert "<textarea" not in html and "from item_versions" not in html
    assert 'href="/pmkz/-/changes"' in html


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


# The reader's pages on the browse archive with a run's edits, a saved search and an
# archived page (helpers.build_reader_archive).

@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    db_path, images_dir, records, made = build_reader_archive(tmp_path_factory.mktemp("reader"))
    ds = build_datasette(db_path, images_dir)
    yield DatasetteClient(ds), records, made, images_dir
    for database in ds.databases.values():
        database.close()


def compare_path(url: str, before=None, after=None) -> str:
    args = {"url": url, **({"from": before} if before else {}), **({"to": after} if after else {})}
    return "/pmkz/-/compare?" + urllib.parse.urlencode(args)


def links(html: str, css_class: str) -> list[str]:
    return [html_unescape(href) for href in re.findall(rf'class="{css_class}" href="([^"]+)"', html)]


def test_any_two_versions_compare_word_by_word(reader):
    client, records, _, _ = reader
    url = records[EDITED]["url"]
    html = get(client, compare_path(url, "1", "current")).text
    changes = section(html, "pmkz-changes")
    assert "<ins>Добавлен новый абзац.</ins>" in changes  # the first edit's
    assert "поручил <del>ускорить</del><ins>завершить</ins> работу." in changes  # the second's
    assert re.search(r"развитие ?<ins> ?внутреннего ?</ins> ?туризма", changes)
    timeline = section(html, "pmkz-timeline")
    assert [label for label in re.findall(r'<a href="[^"]+">(Version \d|Current version)</a>', timeline)] == [
        "Version 1", "Version 2", "Current version"]
    assert timeline.count('class="pmkz-chosen"') == 3
    assert len(links(timeline, "pmkz-edit")) == 2


def test_compare_steps_through_the_edits_with_previous_and_next(reader):
    client, records, _, _ = reader
    url = records[EDITED]["url"]
    first = get(client, compare_path(url, "1", "2")).text
    assert links(first, "pmkz-previous") == []
    assert "<ins>Добавлен новый абзац.</ins>" in section(first, "pmkz-changes")
    [following] = links(first, "pmkz-next")
    assert following == compare_path(url, "2", "current")
    last = get(client, following).text
    assert links(last, "pmkz-next") == [] and links(last, "pmkz-previous") == [compare_path(url, "1", "2")]
    assert "<ins>завершить</ins>" in section(last, "pmkz-changes")
    # Without from and to: the last edit.
    assert section(get(client, compare_path(url)).text, "pmkz-changes") == section(last, "pmkz-changes")


def test_compare_says_when_two_versions_read_the_same(reader):
    client, records, _, _ = reader
    html = get(client, compare_path(records[EDITED]["url"], "2", "2")).text
    assert "The two versions read the same." in html


@pytest.mark.parametrize("args, status, words", [
    ({}, 400, "url is required"),
    ({"url": "https://primeminister.kz/ru/news/none-1"}, 404, "No item"),
    ({"url": "EDITED", "from": "abc"}, 400, "from must be a version number"),
    ({"url": "EDITED", "to": "-1"}, 400, "to must be a version number"),
    ({"url": "EDITED", "from": "9"}, 404, "no version 9"),
    ({"url": "EDITED", "from": "99999999999999999999"}, 400, "from must be a version number"),
    ({"url": "EDITED", "from": "²"}, 400, "from must be a version number"),
])
def test_compare_refuses_what_names_no_two_versions_in_one_line(reader, args, status, words):
    client, records, _, _ = reader
    args = {key: records[EDITED]["url"] if value == "EDITED" else value for key, value in args.items()}
    response = get(client, "/pmkz/-/compare?" + urllib.parse.urlencode(args), status=status)
    assert words in response.text and "Traceback" not in response.text


def change_list(html: str) -> list[dict]:
    """The items of the changed-this-week list: title, significance, diff link."""
    found = []
    for item in re.findall(r"<li lang=[^>]*>(.*?)</li>", section_or_all(html, "pmkz-change-list"), re.S):
        significance = re.search(r'class="pmkz-significance pmkz-(\w+)"', item)
        found.append({"title": re.search(r'class="pmkz-title" href="[^"]+">([^<]+)</a>', item).group(1),
                      "significance": significance.group(1) if significance else None,
                      "diff": links(item, "pmkz-diff")[0], "time": "<time datetime=" in item})
    return found


def section_or_all(html: str, css_class: str) -> str:
    match = re.search(rf'<ol class="{css_class}">(.*?)</ol>', html, re.S)
    return match.group(1) if match else ""


def test_changed_this_week_reads_as_a_list_with_significance_and_diff_links(reader):
    client, records, _, _ = reader
    html = get(client, "/pmkz/-/changes").text
    assert "<textarea" not in html and "item_versions" not in html
    shown = change_list(html)
    assert [c["title"] for c in shown] == [records[WATCHED]["title"], records[COSMETIC]["title"],
                                           records[EDITED]["title"]]
    assert [c["significance"] for c in shown] == ["substantive", "cosmetic", "substantive"]
    assert all(c["time"] for c in shown)
    assert "<ins>12 млрд тенге</ins>" in section(get(client, shown[0]["diff"]).text, "pmkz-changes")
    older = change_list(get(client, "/pmkz/-/changes?since=2024-01-01").text)
    assert len(older) == 4 and older[-1]["diff"] == compare_path(records[EDITED]["url"], "1", "2")


def test_changed_this_week_filters_by_significance(reader):
    client, records, _, _ = reader
    assert [c["title"] for c in change_list(get(client, "/pmkz/-/changes?significance=cosmetic").text)] == [
        records[COSMETIC]["title"]]
    assert len(change_list(get(client, "/pmkz/-/changes?significance=substantive").text)) == 2
    assert change_list(get(client, "/pmkz/-/changes?significance=wording").text) == []
    for bad in ("significance=boring", "since=last+tuesday", "since=0001-01-01"):
        response = get(client, f"/pmkz/-/changes?{bad}", status=400)
        assert "must be" in response.text


def test_a_saved_search_has_its_page(reader):
    client, records, made, _ = reader
    html = get(client, f"/pmkz/-/watches/{made['watch']}").text
    assert "Saved search «паводок»" in html and "Русский only" in html
    matches = re.findall(r'<ol class="pmkz-matches">(.*?)</ol>', html, re.S)[0]
    assert re.findall(r'<a href="([^"]+)">', matches) == [item_path(records[WATCHED]["url"])]
    [feed] = links(html, "pmkz-feed")
    assert feed == f"/pmkz/-/feeds/watch-{made['watch']}.atom"
    assert "12 млрд тенге" in get(client, feed).text
    history = re.findall(r'<ul class="pmkz-history">(.*?)</ul>', html, re.S)[0]
    assert f"Run {made['run']}," in history and '<span class="pmkz-event pmkz-changed">changed</span>' in history
    assert 'pmkz-significance pmkz-substantive' in history
    assert f'<a href="/pmkz/-/watches/{made["watch"]}">паводок</a>' in get(client, "/pmkz/watches").text
    get(client, "/pmkz/-/watches/99", status=404)
    get(client, "/pmkz/-/watches/99999999999999999999999", status=404)


def test_home_shows_items_search_and_changes_before_the_tables(reader):
    client, records, made, _ = reader
    for path, tables in (("/", '<a href="/pmkz">pmkz</a>'), ("/pmkz", '<form class="sql"')):
        html = get(client, path).text
        home = html.index('<section class="pmkz-home">')
        assert home < html.index(tables)
        part = html[home:html.index("</section>", home)]
        assert f'href="/pmkz/items">{len(records)} items</a>' in part
        assert '<form class="pmkz-search" action="/pmkz/items"' in part
        assert [c["title"] for c in change_list(part)][0] == records[WATCHED]["title"]
        assert f'href="/pmkz/-/watches/{made["watch"]}"' in part


def test_public_archive_keeps_saved_searches_off_its_home_and_pages(reader, tmp_path):
    _, _, made, images_dir = reader
    ds = build_datasette(reader[0].ds.databases["pmkz"].path, images_dir, public=True)
    try:
        client = DatasetteClient(ds)
        assert "/-/watches/" not in get(client, "/").text
        get(client, f"/pmkz/-/watches/{made['watch']}", status=404)
    finally:
        for database in ds.databases.values():
            database.close()


def test_every_moment_on_the_pages_is_site_time_with_utc_on_hover(reader):
    client, records, _, _ = reader
    url = records[EDITED]["url"]
    for path in (item_path(url), f"/pmkz/item_versions/{tilde_encode(url)},1", compare_path(url, "1"),
                 "/pmkz/-/changes", "/"):
        html = get(client, path).text
        moments = re.findall(r'<time datetime="([^"]+)" title="([^"]+) UTC">([^<]+)</time>', html)
        assert moments, path
        for utc, hover, shown in moments:
            assert utc.endswith("+00:00") and hover == f"{utc[:10]} {utc[11:16]}", (path, utc, hover)
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+0[56]:00\)", shown), (path, shown)
    [row] = get(client, f"/pmkz/item_versions/{tilde_encode(url)},1.json?_shape=array").json
    assert row["replaced_at"] == "2024-05-10T08:00:00+00:00"
    assert 'datetime="2024-05-10T08:00:00+00:00"' in get(client, item_path(url)).text


def test_archived_page_has_a_banner_and_its_images_from_the_archive(reader):
    client, records, made, images_dir = reader
    answer = get(client, f"/pmkz/-/archived/{made['capture']}")
    policy = answer.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "allow-scripts" not in policy
    assert "img-src 'self'" in policy
    html = answer.text
    banner = re.search(r'<div id="pmkz-archive-banner".*?</div>', html, re.S).group(0)
    assert html.index(banner) == html.index("<body>") + len("<body>")
    assert records[ARCHIVED]["url"] in banner and "<time datetime=" in banner
    assert f'href="{item_path(records[ARCHIVED]["url"])}"' in banner
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert sources[0].startswith("/pmkz/-/images/") and sources[1] == "https://primeminister.kz/uploads/not-held.jpg"
    assert "srcset" not in html.split('alt="held"')[0].rsplit("<img", 1)[1]
    assert get(client, sources[0]).body == (images_dir / sources[0].removeprefix("/pmkz/-/images/")).read_bytes()
    raw = get(client, f"/pmkz/-/archived/{made['capture']}/raw")
    assert b"pmkz-archive-banner" not in raw.body and b'<img src="/uploads/0-0.jpg"' in raw.body
    assert "img-src" not in raw.headers["content-security-policy"]


def test_table_pages_show_the_crawlers_stamps_in_site_time_and_json_keeps_them(client, archive):
    url = archive[2][EDITED]["url"]
    html = get(client, f"/pmkz/item_versions?item_url={urllib.parse.quote(url)}&version=1").text
    assert re.search(r'<td class="col-replaced_at[^"]*"><time datetime="2024-05-10T08:00:00\+00:00"'
                     r' title="2024-05-10 08:00 UTC">2024-05-10 13:00 \(UTC\+05:00\)</time></td>', html)
    [row] = get(client, f"/pmkz/item_versions.json?_shape=array&item_url={urllib.parse.quote(url)}&version=1").json
    assert row["replaced_at"] == "2024-05-10T08:00:00+00:00"


def test_item_page_prints_each_images_caption_under_it(tmp_path):
    first, second = "http://127.0.0.1:8123/img/1.jpg", "http://127.0.0.1:8123/img/2.jpg"
    rec = item_record(image_urls=[first, second], image_captions={second: "Премьер-Министр <b>в цехе</b>"})
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(rec, now="2024-03-09T10:00:00+00:00")
    ds = build_datasette(tmp_path / "pmkz.db", tmp_path / "images")
    try:
        html = get(DatasetteClient(ds), item_path(rec["url"])).text
    finally:
        for database in ds.databases.values():
            database.close()
    figures = re.findall(r"<figure>(.*?)</figure>", html, re.S)
    assert len(figures) == 2 and "pmkz-caption" not in figures[0]
    assert '<span class="pmkz-caption">Премьер-Министр &lt;b&gt;в цехе&lt;/b&gt;</span>' in figures[1]
