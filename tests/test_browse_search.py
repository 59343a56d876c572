"""Search results a reader can scan, through Datasette as `pmkz serve` runs it, on an
archive of the replica's truth written in-process: the matched words in <mark> in the
items page's snippets and in /<db>/-/search(.json), most relevant first one click from
newest first and back, Kazakh typed in Latin letters finding the Cyrillic items, and the
bounds of what a request may ask."""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import dumped_truth, get, item_record
from pmkz.browse import hits
from pmkz.browse.app import build_datasette
from pmkz.storage import Store

WORD = re.compile(r"[^\W_]+")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    records = [json.loads(line) for line in dumped_truth(("--articles", "30"), None).splitlines() if line]
    db_path = tmp_path_factory.mktemp("search") / "pmkz.db"
    with Store(db_path) as store, store.batch():
        for record in records:
            store.save_item(record)
    return db_path, records


def datasette_client(db_path):
    ds = build_datasette(db_path, db_path.parent / "images")
    return ds, DatasetteClient(ds)


@pytest.fixture
def client(archive):
    ds, client = datasette_client(archive[0])
    yield client
    for database in ds.databases.values():
        database.close()


def words_of(record) -> set[str]:
    return {w.lower() for w in WORD.findall(" ".join(record[f] or "" for f in ("title", "summary", "body")))}


def holding(records, test) -> set[str]:
    return {r["url"] for r in records if any(test(w) for w in words_of(r))}


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def quote(text: str) -> str:
    return urllib.parse.quote(text)


def test_the_items_page_marks_the_printed_words_a_prefix_begins(client, archive):
    expected = holding(archive[1], lambda w: w.startswith("совещани"))
    page = get(client, f"/pmkz/items?_search={quote('совещани*')}&_size=max").text
    snippets = re.findall(r'<p class="pmkz-snippet">(.*?)</p>', page, re.S)
    assert len(snippets) == len(expected) > 1
    marked = {m.lower() for s in snippets for m in marks(s)}
    assert {w for w in marked if not w.startswith("совещани")} == set()
    assert {"совещание", "совещания", "совещании"} <= marked


def test_the_json_gives_each_hit_its_snippet_with_the_forms_marked(client, archive):
    forms = {"совещание", "совещания", "совещании", "совещанию", "совещанием", "совещаний", "совещаниям"}
    expected = holding(archive[1], lambda w: w in forms)
    found = get(client, f"/pmkz/-/search.json?q={quote('совещание')}&order=newest").json
    assert found["total"] == len(expected) and {h["url"] for h in found["hits"]} <= expected
    dates = [h["published_date"] for h in found["hits"]]
    assert dates == sorted(dates, reverse=True)
    for hit in found["hits"]:
        assert set(m.lower() for m in marks(hit["snippet_html"] + hit["title_html"])) & forms, hit


def test_most_relevant_first_is_one_click_from_newest_first_and_back(client):
    page = get(client, f"/pmkz/items?_search={quote('совещание')}").text
    relevance = re.search(r'class="pmkz-relevance" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    ranked = get(client, relevance).text
    assert "<strong>most relevant first</strong>" in ranked and "<mark>" in ranked
    newest = re.search(r'class="pmkz-newest" href="([^"]+)"', ranked).group(1).replace("&amp;", "&")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(newest).query) == {"_search": ["совещание"]}
    assert 'class="pmkz-relevance"' in get(client, newest).text


def test_no_hits_offers_the_longest_prefix_some_item_begins(client):
    found = get(client, f"/pmkz/-/search.json?q={quote('правительствоище')}").json
    assert found["total"] == 0 and found["suggest"] == ["правительство*"]
    page = get(client, f"/pmkz/-/search?q={quote('правительствоище')}&order=newest").text
    suggested = urllib.parse.urlencode({"q": "правительство*", "order": "newest"}).replace("&", "&amp;")
    assert f'href="/pmkz/-/search?{suggested}">правительство*</a>' in page


def test_the_headline_weighs_above_the_body(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(item_record(1, title="Совещание по паводкам", published_date="2024-03-01",
                                    body="Обсуждены меры. Выделены средства."))
        store.save_item(item_record(2, title="Итоги дня", published_date="2024-03-09",
                                    body="Совещание прошло. На совещании говорили о мерах."))
    ds, client = datasette_client(tmp_path / "pmkz.db")
    try:
        ranked = get(client, f"/pmkz/-/search.json?q={quote('совещание')}").json["hits"]
        newest = get(client, f"/pmkz/-/search.json?q={quote('совещание')}&order=newest").json["hits"]
    finally:
        for database in ds.databases.values():
            database.close()
    assert [h["url"][-1] for h in ranked] == ["1", "2"]
    assert [h["url"][-1] for h in newest] == ["2", "1"]


def test_markup_in_a_body_shows_as_text(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(item_record(1, body="<script>alert('совещание')</script> <b>совещание</b>"))
    ds, client = datasette_client(tmp_path / "pmkz.db")
    try:
        page = get(client, f"/pmkz/items?_search={quote('совещание')}").text
        hit = get(client, f"/pmkz/-/search.json?q={quote('совещание')}").json["hits"][0]
    finally:
        for database in ds.databases.values():
            database.close()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;<mark>совещание</mark>&#39;)" in page
    assert hit["snippet_html"].startswith("&lt;script&gt;alert(&#39;<mark>совещание</mark>&#39;)&lt;/script&gt;")


def found(client, typed: str, *extra: str) -> set[str]:
    response = get(client, f"/pmkz/items.json?_shape=objects&_size=max&_col=url&_search={quote(typed)}"
                   + "".join(f"&{e}" for e in extra))
    return {row["url"] for row in response.json["rows"]}


@pytest.mark.parametrize("latin, cyrillic", [("Ükımet", "Үкімет"), ("keñes", "кеңес"), ("mäselelerı", "мәселелері")])
def test_kazakh_typed_in_latin_finds_the_cyrillic_items(client, latin, cyrillic):
    expected = found(client, cyrillic)
    assert expected and found(client, latin) == expected
    hits_ = get(client, f"/pmkz/-/search.json?q={quote(latin)}").json
    assert hits_["total"] == len(expected) and all(marks(h["snippet_html"] + h["title_html"]) for h in hits_["hits"])


def test_a_latin_word_with_no_kazakh_letter_is_asked_as_kazakh_unless_it_is_english(client, archive):
    # `jyl` (жыл) is printed nowhere: Kazakh; `meeting` and `Astana` are printed in
    # English items: English, but for a search in Kazakh items (lang=kk).
    assert found(client, "jyl") == found(client, "жыл") != set()
    assert found(client, "jyl", "lang=en") == set()
    meeting = holding(archive[1], lambda w: w in ("meet", "meets", "meeting", "meetings"))  # Porter's
    assert meeting and found(client, "meeting") == meeting
    english = holding([r for r in archive[1] if r["lang"] == "en"], lambda w: w == "astana")
    assert english and found(client, "Astana") == english
    kazakh = found(client, "Astana", "lang=kk")
    assert kazakh == found(client, "Астана", "lang=kk") != set()
    for order in ("relevance", "newest"):
        page = get(client, f"/pmkz/-/search.json?q=Astana&lang=kk&order={order}").json
        assert page["total"] == len(kazakh) and {h["url"] for h in page["hits"]} <= kazakh


@pytest.mark.parametrize("query, reason", [
    ("q=x&page=0", "page must be"), (f"q=x&page={hits.MAX_PAGE + 1}", "page must be"),
    ("q=x&order=oldest", "order must be"), ("q=x&lang=de", "lang must be"),
    ("q=" + "а" * 1001, "at most 1,000 characters"),
])
def test_a_search_page_asked_beyond_its_bounds_is_a_400_that_says_why(client, query, reason):
    for path in ("/pmkz/-/search.json", "/pmkz/-/search"):
        response = client.get(f"{path}?{query}")
        assert response.status == 400 and reason in response.text, (path, response.text[:300])


def test_a_table_page_shows_at_most_so_many_snippets(client, monkeypatch):
    monkeypatch.setattr(hits, "SNIPPETS_PER_PAGE", 2)
    page = get(client, f"/pmkz/items?_search={quote('совещани*')}&_size=max").text
    assert len(re.findall(r'class="pmkz-snippet"', page)) == 2
