"""The items search box on a crawl of the replica, through Datasette as `pmkz serve`
runs it: a word finds every item holding any of its forms (counted by a whole-word scan
of each form), in Russian, Kazakh and English; prefix, OR, NOT and phrases work from the
box; a search with no hits says what was searched; edits and old databases are indexed.
"""
from __future__ import annotations

import math
import re
import sqlite3
import urllib.parse

import pytest
from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import Replica
from pmkz.browse.app import build_datasette
from pmkz.storage import Store, search

FORMS = {
    "правительство": ["правительство", "правительства", "правительству", "правительством",
                      "правительстве", "правительств", "правительствам", "правительствами",
                      "правительствах"],
    "Үкімет": ["үкімет", "үкіметі", "үкіметтің", "үкіметке", "үкіметте", "үкіметтен",
               "үкіметпен", "үкіметін", "үкіметінің", "үкіметтер"],
    "minister": ["minister", "ministers", "minister's"],
}
LANG = {"правительство": "ru", "Үкімет": "kk", "minister": "en"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory, forked):
    workdir = tmp_path_factory.mktemp("search")
    # 20 articles a language and the replica's decisions (their attached files are searched
    # too) still print every form the tests tell apart; the raw archive is not the subject.
    replica = Replica("--articles", "20")
    try:
        forked.crawl(replica.url, workdir, "--no-images", "--no-warc")
    finally:
        replica.stop()
    db = sqlite3.connect(workdir / "pmkz.db")
    # An item's words: its own and its attached files' (a decision's decree).
    rows = {url: (lang, set(re.findall(r"[^\W_]+", f"{t}\n{s or ''}\n{b}\n{files or ''}".lower())))
            for url, lang, t, s, b, files in db.execute(
                "SELECT url, lang, title, summary, body,"
                " (SELECT group_concat(text, ' ') FROM attachments WHERE item_url = items.url) FROM items")}
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
    for typed in ["OR", "(", "правительство OR", '"незакрытая фраза', "*", "NOT", "a ) b", "-",
                  '""', '"', "AND", "OR OR", "- -", ") (", "((правительство)", '"правительство" OR',
                  "\x00", "правительство\x00министр", "*-*", "(((((((())))))))", "NOT NOT",
                  "-правительство", "NOT министр", '-"правительство министр"', '\x00 *" -" -" \x00 a']:
        for shape in ("", ".json"):
            response = client.get(f"/pmkz/items{shape}?_search=" + urllib.parse.quote(typed))
            assert response.status == 200, (typed, response.text[:500])


# Over each limit by a little, and as the probe sent them: a 15 KB word, 1,500 words,
# 400 nested parentheses, a phrase and 300 words.
@pytest.mark.parametrize("typed, reason", [
    ("ж" * (search.MAX_QUERY_CHARS + 1), f"at most {search.MAX_QUERY_CHARS:,} characters"),
    ("x" * 15_000, f"at most {search.MAX_QUERY_CHARS:,} characters"),
    (" ".join(["minister"] * 1500), f"at most {search.MAX_QUERY_CHARS:,} characters"),
    (" ".join(["a"] * (search.MAX_TERMS + 1)), f"at most {search.MAX_TERMS} words, phrases and prefixes"),
    ('"правительство" ' + " ".join(["a"] * 300), f"at most {search.MAX_TERMS} words"),
    ("(" * (search.MAX_NESTING + 1) + "a" + ")" * (search.MAX_NESTING + 1), f"at most {search.MAX_NESTING} deep"),
    ("(" * 400 + "a" + ")" * 400, f"at most {search.MAX_NESTING} deep"),
])
def test_a_search_over_the_limits_is_a_400_that_says_why(client, typed, reason):
    for path in ("/pmkz/items?_search=", "/pmkz/items.json?_search=", "/pmkz/items?_search_body="):
        response = client.get(path + urllib.parse.quote(typed))
        assert response.status == 400, (typed[:40], response.status, response.text[:300])
        assert "Search not run: " in response.text and reason in response.text
        assert "Traceback" not in response.text


@pytest.mark.parametrize("typed", [
    '"правительство" ' + " ".join(f"министр{n}" for n in range(search.MAX_TERMS - 1)),
    " OR ".join(f'"правительство{n}"' for n in range(search.MAX_TERMS)),
    "(" * search.MAX_NESTING + 'министр "правительства" NOT a' + ")" * search.MAX_NESTING
    + " OR (b -c (d OR " * 2 + '"e"' + "))" * 2,
])
def test_a_search_at_the_limits_runs(client, typed):
    # A phrase beside 14 words overflowed SQLite's parser stack: every crawl with such a
    # saved search failed.
    response = client.get("/pmkz/items.json?_search=" + urllib.parse.quote(typed))
    assert response.status == 200, response.text[:500]


def test_a_search_with_no_hits_costs_a_few_statements_however_long(archive):
    """The suggestions of a search with no hits cost a long word a few seeks more than a
    short one (one per halving of its length, in each of its two forms), and only its
    first words are looked at: one query per prefix length made a 15 KB word cost
    15,000 queries."""
    statements: list[str] = []

    class Tracer:
        __name__ = "statement_tracer"  # Datasette lists plugins by name

        @hookimpl
        def prepare_connection(self, conn):
            conn.set_trace_callback(statements.append)

    pm.register(Tracer(), name="statement-tracer")
    ds = build_datasette(archive[0], archive[0].parent / "images")
    try:
        client = DatasetteClient(ds)
        client.get("/pmkz/items")  # connections opened, the page's own statements

        def cost(typed: str) -> int:
            statements.clear()
            html = client.get("/pmkz/items?_search=" + urllib.parse.quote(typed)).text
            assert "No item holds any form of" in html
            # The search's queries: not those SQLite runs inside FTS5 for one (marked
            # `-- `, or reading its shadow tables once per connection), nor the term
            # list's creation, once per connection.
            return sum(search.TABLE in sql and not sql.startswith(("-- ", "CREATE"))
                       and f"'{search.TABLE}_" not in sql for sql in statements)

        short = cost("правительствоище")
        halvings = math.ceil(math.log2(search.MAX_QUERY_CHARS))
        assert cost("правительство" + "ж" * (search.MAX_QUERY_CHARS - 13)) <= short + 2 * halvings
        many = " ".join(f"правительство{letter * 20}" for letter in "абвгдежзиклмнопрстуфх")
        assert cost(many) <= (short + 2 * halvings) * search.SUGGESTED_WORDS
    finally:
        pm.unregister(name="statement-tracer")
        for database in ds.databases.values():
            database.close()


def test_no_hits_says_what_was_searched_and_suggests_forms(client):
    html = client.get("/pmkz/items?_search=" + urllib.parse.quote("правительствоище")).text
    assert "No item holds any form of <strong>правительствоище</strong>" in html
    # The longest prefix some lemma begins with: the dictionary form itself.
    assert "searched as" in html and ">правительство*</a>" in html
    # An exact phrase is not looked for in other forms, and the message does not say so.
    html = client.get("/pmkz/items?_search=" + urllib.parse.quote('"правительства министерства"')).text
    assert 'No item holds <strong>&#34;правительства министерства&#34;</strong>' in html


def test_the_box_has_a_line_of_help(client):
    html = client.get("/pmkz/items").text
    assert 'class="pmkz-search-help"' in html and "OR" in html and "prefix*" in html


def test_an_edit_is_searchable_at_once(tmp_path):
    record = {"url": "https://primeminister.kz/ru/news/a-1", "lang": "ru", "title": "Заголовок",
              "published_date": "2024-03-09", "body": "Первый абзац о туризме."}
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(record)
        ask = lambda q: len(store.db.execute(*search.matching(q)).fetchall())  # noqa: E731
        assert ask("туризм") == 1 and ask("водой") == 0
        store.save_item({**record, "body": "Абзац о водных ресурсах."})
        assert ask("туризм") == 0 and ask("вода") == 0 and ask("водный") == 1
        with store.batch():
            store.save_item({**record, "url": record["url"] + "2", "body": "Туристы."})
        assert ask("туристов") == 1


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"[^\W_]+", (text or "").lower()))


@pytest.fixture(scope="module")
def titles(archive):
    db = sqlite3.connect(archive[0])
    try:
        return {url: _words(title) for url, title in db.execute("SELECT url, title FROM items")}
    finally:
        db.close()


def test_a_search_limited_to_one_column_works_as_datasette_users_expect(client, archive, titles):
    expected = {url for url, words in titles.items() if words & set(FORMS["правительство"])}
    assert expected, "the replica's headlines should name the government"
    response = client.get("/pmkz/items.json?_shape=objects&_size=max&_col=url&_search_title="
                          + urllib.parse.quote("правительство"))
    assert response.status == 200, response.text[:500]
    assert {row["url"] for row in response.json["rows"]} == expected
    assert expected < found(client, "правительство"), "bodies name it in more items than headlines"
    refused = client.get("/pmkz/items?_search_url=" + urllib.parse.quote("правительство"))
    assert refused.status == 400 and "Cannot search by that column" in refused.text


def test_a_quoted_phrase_finds_the_words_as_printed(client, archive):
    rows = archive[1]
    exact = holding(rows, ["правительства"])
    every_form = found(client, "правительства")
    assert exact and exact < every_form
    assert found(client, '"правительства"') == exact
    assert found(client, '"Правительства"') == exact, "as printed, in any case"
    # Combined with other terms, by AND, OR and NOT, on either side.
    assert found(client, '"правительства" OR Үкімет') == exact | found(client, "Үкімет")
    assert found(client, 'правительство NOT "правительства"') == every_form - exact
    assert found(client, 'правительство -"правительства"') == every_form - exact
    assert found(client, 'министр "правительства"') == found(client, "министр") & exact


def test_a_kazakh_stem_finds_kazakh_items_only(tmp_path):
    # Kazakh's stemmer reads `вода` as во + locative -да; the Russian preposition `во`
    # must not be what a search for water finds.
    with Store(tmp_path / "pmkz.db") as store:
        for n, (lang, body) in enumerate([("ru", "Совещание прошло во вторник."),
                                          ("ru", "Питьевая вода поступит в сёла."),
                                          ("kk", "Ауыз су мәселесі талқыланды.")]):
            store.save_item({"url": f"https://primeminister.kz/{lang}/news/a-{n}", "lang": lang,
                             "title": "Заголовок", "published_date": "2024-03-09", "body": body})
        rows = lambda q: {r for (r,) in store.db.execute(*search.matching(q))}  # noqa: E731
        assert len(rows("вода")) == 1 and len(rows("воду")) == 1
        # во is a form of в, which both Russian items hold; the Kazakh one holds neither.
        assert len(rows("во")) == 2


# An old database: from before the stem index, or with its first layout, one column per
# language (ru, kk, en), which ?_search_title= could not name. Both are made in place.
@pytest.mark.parametrize("earlier", [None, "ru, kk, en"])
def test_an_old_database_gets_the_index_in_place(tmp_path, earlier):
    path = tmp_path / "pmkz.db"
    record = {"url": "https://primeminister.kz/kz/news/a-1", "lang": "kk", "title": "Үкімет отырысы",
              "published_date": "2024-03-09", "body": "Үкіметтің отырысында мәселелер қаралды."}
    with Store(path) as store:
        store.save_item(record)
        store.db.execute(f"DROP TABLE {search.TABLE}")
        if earlier:
            store.db.execute(f"CREATE VIRTUAL TABLE {search.TABLE} USING fts5({earlier})")
    with Store(path) as store:
        assert [c.name for c in store.db[search.TABLE].columns] == list(search.words.SEARCH_COLUMNS)
        assert len(store.db.execute(*search.matching("мәселе")).fetchall()) == 1
        assert len(store.db.execute(*search.matching("үкіметі", "title")).fetchall()) == 1
