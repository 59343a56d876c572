"""parse_listing on list pages in the 2026 markup, the 2019 markup and one with no
class names: article links, teasers, printed dates and the next page."""
from pathlib import Path

from pmkz.crawler.parsing import Listing, parse_listing

PAGES = Path(__file__).parent / "files" / "pages"
SITE = "https://primeminister.kz"

modern = parse_listing((PAGES / "list-2026-markup-ru.html").read_bytes(), f"{SITE}/ru/news")
old = parse_listing((PAGES / "list-2019-markup-en-page-3.html").read_bytes(), f"{SITE}/en/news/page/3")
bare = parse_listing((PAGES / "list-no-classes-kz.html").read_bytes(), f"{SITE}/kz/news?page=2")

ROAD = f"{SITE}/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656"
ASSETS = f"{SITE}/ru/news/asset_recovery/vozvrat-aktivov-itogi-goda-31773"
FLOODS = f"{SITE}/ru/news/olzas-bektenov-provel-soveshanie-po-pavodkam-31640"
HEAT = f"{SITE}/kz/news/ukimet-akmola-oblysynda-zhylu-mausymyna-daiyndykty-tekserdi-29871"
SESSION = f"{SITE}/kz/news/ukimet-otyrysynda-zhylu-maysymy-talkylandy-29860"
PAVLODAR = f"{SITE}/kz/news/premer-ministr-pavlodarga-bardy-29850"


def test_article_urls_canonical_in_order_without_menus_decisions_or_other_hosts():
    assert modern.article_urls == [ROAD, ASSETS, FLOODS]


def test_article_urls_of_the_2019_markup():
    assert old.article_urls == [
        f"{SITE}/en/news/reviews/the-head-of-government-held-a-meeting-on-export-30371",
        f"{SITE}/en/news/fotootchet-rabochaya-poezdka-v-pavlodarskuyu-oblast-12793",
        f"{SITE}/en/news/digital_office/digital-office-launched-30618",
    ]


def test_article_urls_only_of_the_page_language():
    assert bare.article_urls == [HEAT, SESSION, PAVLODAR]


def test_teasers():
    assert modern.teasers == {ROAD: "Реконструкция участка протяжённостью 18 км начнётся весной.",
                              ASSETS: "В бюджет возвращено более 800 млрд тенге.", FLOODS: None}
    assert bare.teasers == {HEAT: "Премьер-Министр Көкшетаудағы жылу электр орталығында болды.", SESSION: None,
                            PAVLODAR: "Сапар барысында өнеркәсіп кәсіпорындары аралады."}
    assert set(old.teasers.values()) == {None}


def test_list_dates():
    assert modern.list_dates == {ROAD: "2026-07-31", ASSETS: "2026-07-30", FLOODS: "2026-07-29"}
    assert list(old.list_dates.values()) == ["2016-08-17", "2016-08-16", "2016-08-16"]
    assert bare.list_dates == {HEAT: "2023-11-14", SESSION: "2023-11-13", PAVLODAR: "2023-11-12"}


def test_next_url_from_pagination():
    assert modern.next_url == f"{SITE}/ru/news?page=2"


def test_next_url_is_current_page_number_plus_one_not_a_calendar_day():
    assert bare.next_url == f"{SITE}/kz/news?page=3"


def test_next_url_of_2019_lists_is_page_n_plus_one():
    assert old.next_url == f"{SITE}/en/news/page/4"


def test_empty_2019_page_ends_the_list():
    empty = "<html><body><div class='news-list'></div><div class='footer'>© 2016</div></body></html>"
    assert parse_listing(empty, f"{SITE}/en/news/page/1131") == Listing([], {}, {}, None, page=1131)


def test_rel_next():
    html = ("<html><head><link rel='next' href='/en/news?page=5'></head><body>"
            "<a href='/en/news/some-news-1'>Some news</a></body></html>")
    assert parse_listing(html, f"{SITE}/en/news?page=4").next_url == f"{SITE}/en/news?page=5"


def test_next_word_in_any_language():
    html = ("<html><body><a href='/kz/news/some-news-1'>Жаңалық</a>"
            "<div><a href='/kz/news?page=1'>‹</a> <a href='/kz/news?page=2'>Келесі</a></div></body></html>")
    assert parse_listing(html, f"{SITE}/kz/news").next_url == f"{SITE}/kz/news?page=2"


def test_last_page_with_a_single_article():
    html = ("<html><body><main><h1>News</h1><div><div><a href='/en/news/last-one-7'>The last one</a>"
            "<p>Its teaser, long enough to be one.</p><span>01.02.2016</span></div></div>"
            "<div class='pager'><a href='/en/news?page=1'>1</a></div></main>"
            "<footer>The longest text of the page is the footer's address and copyright line.</footer></body></html>")
    listing = parse_listing(html, f"{SITE}/en/news?page=2")
    url = f"{SITE}/en/news/last-one-7"
    assert (listing.teasers[url], listing.list_dates[url]) == ("Its teaser, long enough to be one.", "2016-02-01")


def test_page_number_and_last_page_come_from_the_pager():
    page = b"""<html><body><a href="/en/news/some-slug-30001">A</a>
      <nav class="pagination"><a href="/en/news?page=1">1</a><span class="current">2</span>
      <a href="/en/news?page=3">3</a><a href="/en/news?page=57">57</a></nav></body></html>"""
    listing = parse_listing(page, f"{SITE}/en/news?page=2")
    assert (listing.page, listing.last_page) == (2, 57)
