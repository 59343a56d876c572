"""The items search box on a crawl of the replica, through Datasette as `pmkz serve`
runs it: a word finds every item holding any of its forms (counted by a whole-word scan
of each form), in Russian, Kazakh and English; prefix, OR, NOT and phrases work from the
box; a search with no hits says what was searched; edits and old databases are indexed.
"""
from __future__ import annotations

import re
import sqlite3
import urllib.parse

import pytest
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import Replica, crawl
from pmkz.browse.app import build_datasette
from pmkz.storage import Store, search

FORMS = {
    "правительство": ["правительство", "правительства", "правительству", "правительством",
                      "правительстве", "правительств", "правительствам", "правительствами",
                      "правительствах"],
    "Үкімет": ["үкімет", "үкіметі", "үкіметтің", "үкіметке", "үкіметте", "үкіметтен",
               "үкіметпен", "үкіметін", "үкіметтер"],
    "minister": ["minister", "ministers", "minister's"],
}
LANG = {"правительство": "ru", "Үкімет": "kk", "minister": "en"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("search")
    replica = Replica("--articles", "60")
    try:
        crawl(replica.url, workdir, "--no-images")
    finally:
        replica.stop()
    db = sqlite3.connect(workdir / "pmkz.db")
    rows = {url: (lang, set(re.findall(r"[^\W_]+", f"{t}\n{s or ''}\n{b}".lower())))
            for url, lang, t, s, b in db.execute("SELECT url, lang, title, summary, body FROM items")}
    db.close()
    return workdir / "pmkz.db", rows


@pytest.fixture
def client(archive):
    ds = build_datasette(archive[0], archive[0].parent / "images")
    yield DatasetteClient(ds)
    for database in ds.databases.values():
        database.close()


def found(client, typed: str) -> set[str]:
    response = client.get("/pmkz/items.json?_shape=objects&_size=max&_col=url&_search="
                          + urllib.parse.quote(typed))
    assert response.status == 200, response.text[:1000]
    return {row["url"] for row in response.json["rows"]}


def holding(rows, words) -> set[str]:
    words = {w for form in words for w in re.findall(r"[^\W_]+", form.lower())}
    return {url for url, (_, have) in rows.items() if have & words}


@pytest.mark.parametrize("word", sorted(FORMS))
def test_a_word_finds_every_item_holding_any_of_its_forms(client, archive, word):
    rows = archive[1]
    expected = holding(rows, FORMS[word])
    exact = holding(rows, [word])
    if LANG[word] != "en":
        assert expected - exact, "the replica should print other forms than the one searched"
    assert found(client, word) == expected


def test_the_search_is_case_blind_and_reads_yo_as_ye(client):
    assert found(client, "ПРАВИТЕЛЬСТВО") == found(client, "правительство")


def test_prefix_or_not_and_phrases_work_from_the_box(client, archive):
    rows = archive[1]
    prefixed = {url for url, (_, words) in rows.items() if any(w.startswith("правительств") for w in words)}
    assert found(client, "правительств*") == prefixed
    either = found(client, "правительство OR Үкімет")
    assert either == found(client, "правительство") | found(client, "Үкімет")
    without = found(client, "министр NOT правительство")
    assert without == found(client, "министр") - found(client, "правительство") and without
    assert found(client, "министр -правительство") == without
    phrase = found(client, '"премьер-министр"')
    assert phrase and phrase <= found(client, "премьер") & found(client, "министр")


def test_broken_syntax_never_errors(client):
    for typed in ["OR", "(", "правительство OR", '"незакрытая фраза', "*", "NOT", "a ) b", "-"]:
        response = client.get("/pmkz/items?_search=" + urllib.parse.quote(typed))
        assert response.status == 200, (typed, response.text[:500])


def test_no_hits_says_what_was_searched_and_suggests_forms(client):
    html = client.get("/pmkz/items?_search=" + urllib.parse.quote("правительствоище")).text
    assert "No item holds any form of <strong>правительствоище</strong>" in html
    assert "searched as" in html and ">правительств*</a>" in html


def test_the_box_has_a_line_of_help(client):
    html = client.get("/pmkz/items").text
    assert 'class="pmkz-search-help"' in html and "OR" in html and "prefix*" in html


def test_an_edit_is_searchable_at_once(tmp_path):
    record = {"url": "https://primeminister.kz/ru/news/a-1", "lang": "ru", "title": "Заголовок",
              "published_date": "2024-03-09", "body": "Первый абзац о туризме."}
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(record)
        ask = lambda q: store.db.execute(  # noqa: E731
            f"SELECT count(*) FROM {search.TABLE} WHERE {search.TABLE} MATCH ?",
            [search.fts_query(q)]).fetchone()[0]
        assert ask("туризм") == 1 and ask("водой") == 0
        store.save_item({**record, "body": "Абзац о водных ресурсах."})
        assert ask("туризм") == 0 and ask("вода") == 0 and ask("водный") == 1
        with store.batch():
            store.save_item({**record, "url": record["url"] + "2", "body": "Туристы."})
        assert ask("туристов") == 1


def test_an_old_database_gets_the_index_in_place(tmp_path):
    path = tmp_path / "pmkz.db"
    record = {"url": "https://primeminister.kz/kz/news/a-1", "lang": "kk", "title": "Үкімет отырысы",
              "published_date": "2024-03-09", "body": "Үкіметтің отырысында мәселелер қаралды."}
    with Store(path) as store:
        store.save_item(record)
        store.db.execute(f"DROP TABLE {search.TABLE}")
    with Store(path) as store:
        (count,) = store.db.execute(
            f"SELECT count(*) FROM {search.TABLE} WHERE {search.TABLE} MATCH ?",
            [search.fts_query("мәселе")]).fetchone()
    assert count == 1
