"""Russian search by dictionary form, on press-release sentences written for this test
(not the replica's vocabulary): a word asked in its dictionary form finds every item
holding any form of its lexeme as pymorphy3 lists it, through fleeting vowels
(рынок/рынка), alternations (беречь/берегут, лечь/ляжет) and suppletion (идти/шёл,
человек/люди); words that only share a Snowball stem (цена/ценит) do not find each other;
names no dictionary knows are still found in any form by their stem.
"""
from __future__ import annotations

import urllib.parse

import pymorphy3
import pytest
import Stemmer

from datasette.utils.testing import TestClient as DatasetteClient

from pmkz.browse.app import build_datasette
from pmkz.storage import Store, search, watches

RELEASES = [
    "Правительство обсудило ситуацию на рынке труда и меры поддержки людей.",
    "Объём рынка зерна вырос, цены на муку остались прежними.",
    "Премьер-министр высоко ценит вклад аграриев в развитие внутренних рынков.",
    "Паводок прошёл без жертв: в пик паводка вода поднялась на два метра.",
    "Жители сёл, пострадавших от паводков, получат компенсации в течение трёх дней, рост цен сдержат.",
    "Готовность к паводку проверили в каждом районе; подготовка идёт по графику.",
    "Совещание шло два часа; на время учений трассу закрыли.",
    "Проект пройдёт экспертизу до конца месяца, и его результаты лягут в основу программы.",
    "В основу документа легли предложения бизнеса; работа по ним шла весь день.",
    "Ведомства берегут бюджетные средства и бережно расходуют резервы.",
    "Министр отметил, что каждый человек должен получить помощь в течение дня.",
    "Бектенова поблагодарили за работу; Бектенову вручили грамоту.",
    "Военные учения прошли на полигоне; командование бережёт технику.",
    "Учёные представили доклад о погоде.",
]
# Dictionary forms, each with forms in several releases above.
LEMMAS = ["рынок", "паводок", "пройти", "идти", "человек", "лечь", "день", "беречь", "цена", "учение"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("lemmas") / "pmkz.db"
    with Store(path) as store:
        for n, body in enumerate(RELEASES):
            store.save_item({"url": f"https://primeminister.kz/ru/news/release-{n}", "lang": "ru",
                             "title": "Сообщение пресс-службы", "published_date": "2024-03-09",
                             "body": body})
    store = Store(path)
    yield store
    store.close()


def found(store, typed: str) -> set[int]:
    return {rowid for (rowid,) in store.db.execute(*search.matching(typed))}


def found_on(store, typed: str) -> set[int]:
    """As `found`, on the archive's connection: prefixes read its printed words too."""
    return {rowid for (rowid,) in store.db.execute(*search.matching(typed, conn=store.db.conn))}


def holding(store, forms: set[str]) -> set[int]:
    return {rowid for rowid, body in store.db.execute("SELECT rowid, body FROM items")
            if forms & {search.words.fold(w) for w in search.WORD.findall(body)}}


def lexeme(lemma: str) -> set[str]:
    parse = next(p for p in pymorphy3.MorphAnalyzer(lang="ru").parse(lemma)
                 if p.is_known and p.normal_form == lemma)
    return {search.words.fold(form.word) for form in parse.lexeme}


@pytest.mark.parametrize("lemma", LEMMAS)
def test_the_dictionary_form_finds_every_form_of_its_lexeme(archive, lemma):
    forms = lexeme(lemma)
    expected = holding(archive, forms)
    assert len(expected) >= 2, f"the releases hold too few forms of {lemma}"
    assert found(archive, lemma) == expected


@pytest.mark.parametrize("form", ["рынка", "паводку", "шёл", "люди", "легли", "берегут"])
def test_any_form_finds_what_its_dictionary_form_finds(archive, form):
    lemma = {p.normal_form for p in pymorphy3.MorphAnalyzer(lang="ru").parse(form) if p.is_known}.pop()
    assert found(archive, form) == found(archive, lemma)


@pytest.mark.parametrize("asked, other", [("цена", "ценит"), ("учение", "учёные")])
def test_words_sharing_a_stem_but_not_a_lemma_stay_apart(archive, asked, other):
    assert holding(archive, {search.words.fold(other)})
    assert not found(archive, asked) & holding(archive, {search.words.fold(other)})


def test_a_name_no_dictionary_knows_is_found_in_any_form(archive):
    assert len(found(archive, "Бектенов")) == 1 and found(archive, "Бектенову") == found(archive, "Бектенова")


def test_an_archive_indexed_by_stems_is_indexed_by_lemmas_on_open(tmp_path):
    # The stem index as pmkz wrote it before lemmas: Snowball stems, no layout key.
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item({"url": "https://primeminister.kz/ru/news/a-1", "lang": "ru", "title": "Паводка не будет",
                         "published_date": "2024-03-09", "body": "Рынка зерна паводок не коснулся."})
        snowball = Stemmer.Stemmer("russian")
        store.db.execute(f"DELETE FROM {search.TABLE}")
        store.db.execute(f"DELETE FROM {search.TABLE}_config WHERE k = ?", [search.index.LAYOUT_KEY])
        store.db.execute(f"INSERT INTO {search.TABLE} (rowid, title, summary, body) SELECT rowid, ?, '', ? FROM items",
                         [snowball.stemWord("паводка"), " ".join(snowball.stemWords(["рынка", "зерна", "паводок"]))])
        assert not found(store, "рынок")
    with Store(path) as store:
        assert search.index_is_current(store.db)
        assert len(found(store, "рынок")) == 1 and len(found(store, "паводок")) == 1


@pytest.mark.parametrize("prefix, printed", [("рынк*", {"рынке", "рынка", "рынков"}),
                                             ("паводк*", {"паводка", "паводков", "паводку"}),
                                             ("совещани*", {"совещание"})])
def test_a_prefix_finds_the_printed_words_it_begins(archive, prefix, printed):
    # Their lemmas (рынок, паводок) do not begin so: the printed words' index is read.
    expected = holding(archive, printed)
    assert expected and found_on(archive, prefix) >= expected


def test_a_prefix_from_the_search_page_finds_the_printed_words_it_begins(archive):
    ds = build_datasette(archive.path, archive.path.parent / "images")
    try:
        rows = DatasetteClient(ds).get("/pmkz/items.json?_shape=objects&_col=body&_search="
                                       + urllib.parse.quote("рынк*")).json["rows"]
    finally:
        for database in ds.databases.values():
            database.close()
    assert {row["body"] for row in rows} == {body for (body,) in archive.db.execute("SELECT body FROM items")
                                            if "рынк" in body.lower()}



def test_a_saved_search_prefix_finds_the_printed_words_it_begins(tmp_path):
    # A saved search means what the box means: `рынк*` finds «рынка» (lemma рынок).
    with Store(tmp_path / "pmkz.db") as store:
        run = store.start_run("https://primeminister.kz", "incremental")
        for n, body in enumerate(["Цены на рынке стабильны.", "Погода будет ясной."]):
            store.save_item({"url": f"https://primeminister.kz/ru/news/w-{n}", "lang": "ru", "title": "Сообщение",
                             "published_date": "2024-03-09", "body": body}, run_id=run)
        found_events = watches.events(store.db, query="рынк*", run_id=run)
    assert [event["url"] for event in found_events] == ["https://primeminister.kz/ru/news/w-0"]
