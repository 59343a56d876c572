"""Russian search by dictionary form, on press-release sentences written for this test
(not the replica's vocabulary): a word asked in its dictionary form finds every item
holding any form of its lexeme as pymorphy3 lists it, through fleeting vowels
(рынок/рынка), alternations (беречь/берегут, лечь/ляжет) and suppletion (идти/шёл,
человек/люди); words that only share a Snowball stem (цена/ценит) do not find each other;
names no dictionary knows are still found in any form by their stem.
"""
from __future__ import annotations

import pymorphy3
import pytest
import Stemmer

from pmkz.storage import Store, search

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
