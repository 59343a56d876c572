"""Language versions (`translations`): what the parsers read from a page's switcher or
hreflang links, and the relation the replica lays over its articles."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pmkz.crawler.parsing import parse_article
from pmkz.replica import build_site, truth_records

PAGES = Path(__file__).parent / "files" / "pages"
SITE = "https://primeminister.kz"
URL = f"{SITE}/ru/news/pravitelstvo-obsudilo-vesennie-polevye-raboty-30001"
KK = f"{SITE}/kz/news/ukimet-koktemgi-dala-zhumystaryn-talkylady-30002"
EN = f"{SITE}/en/news/government-discusses-spring-field-work-30003"
PROSE = ("Правительство рассмотрело ход подготовки к весенне-полевым работам, обеспечение "
         "сельхозтоваропроизводителей семенами, горючим и удобрениями.")


def page(switcher: str = "", head: str = "", body_extra: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
            f"<div class='top'>{switcher}</div><div><h1>Весенние полевые работы</h1>"
            f"<div>12 марта 2024, 10:05</div><div><p>{PROSE}</p>{body_extra}</div></div></body></html>")


def versions(html: str) -> tuple[dict, str | None]:
    record = parse_article(html, URL)
    return record["translations"], record["field_sources"].get("translations")


def test_a_switcher_of_home_pages_gives_no_translations():
    switcher = "<a href='/ru/'>Рус</a><a href='/kz/'>Қаз</a><a href='/en/'>Eng</a>"
    assert versions(page(switcher)) == ({}, None)
    assert parse_article((PAGES / "seed-gallery-2019-markup.html").read_bytes(),
                         f"{SITE}/en/news/viziti_i_poezdki/olzhas-bektenov-visits-27543")["translations"] == {}


@pytest.mark.parametrize("switcher", [
    f"<a href='{URL}'>РУС</a><a href='/kz/news/ukimet-koktemgi-dala-zhumystaryn-talkylady-30002'>ҚАЗ</a><a href='{EN}?from=ru'>ENG</a>",
    f"<a hreflang='ru' href='{URL}'>Русский</a><a hreflang='kk-KZ' href='{KK}'>Kazakh</a><a hreflang='en' href='{EN}'>In English</a>",
    f"<a lang='kk' href='{KK}'><img src='/flag-kz.svg' alt=''></a><a title='English' href='{EN}'><img src='/flag-en.svg' alt=''></a>",
])
def test_a_switcher_linking_articles_gives_them_by_language(switcher):
    assert versions(page(switcher)) == ({"en": EN, "kk": KK}, "switcher")


def test_hreflang_links_in_the_head_come_first():
    head = f"<link rel='alternate' hreflang='kk' href='{KK}'><link rel='alternate' hreflang='x-default' href='{SITE}/'>"
    switcher = f"<a href='{EN}'>Eng</a>"
    assert versions(page(switcher, head)) == ({"kk": KK}, "meta:hreflang")


def test_links_that_are_no_switcher_are_not_translations():
    elsewhere = "<a href='https://other.kz/kz/news/baska-sait-30002'>Қаз</a>"
    in_text = f"<p>Подробнее на английском: <a href='{EN}'>Government discusses spring field work</a></p>"
    decision = "<a href='/kz/decisions/19012024-20'>Қаз</a>"
    assert versions(page(elsewhere + decision, body_extra=in_text)) == ({}, None)


@pytest.fixture(scope="module")
def records():
    return list(truth_records(build_site(120, epoch=2), "http://replica.test"))


def test_replica_versions_link_each_other_both_ways(records):
    by_path = {urlsplit(r["url"]).path: r for r in records}
    linked = [r for r in records if r["translations"]]
    assert 0.3 < len(linked) / len(records) < 0.7
    for record in linked:
        assert record["lang"] not in record["translations"]
        for lang, url in record["translations"].items():
            other = by_path.get(urlsplit(url).path)
            if other is not None:  # None: that version was removed, its link stays
                assert other["lang"] == lang and other["translations"][record["lang"]] == record["url"]


def test_the_seed_article_stands_alone(records):
    [seed] = [r for r in records if r["site_id"] == 26870 and r["lang"] == "en"]
    assert seed["translations"] == {}
