"""Publication date, headline and language on pages of other sites, one metadata form
per test: small pages written here in the forms real news pages use."""
import json

import pytest

from pmkz.crawler.parsing import parse_article

URL = "https://news.example.org/story/harbour-bridge-reopens"
PROSE = ("<p>The harbour bridge reopened to traffic on Monday after eight months of repairs, "
         "the city's transport office said in a statement.</p>"
         "<p>Engineers replaced the deck joints and repainted the main span.</p>")


def page(head="", body="", lang="en"):
    return (f"<html lang='{lang}'><head><title>Harbour bridge reopens | Example News</title>{head}</head>"
            f"<body><article><h1>Harbour bridge reopens</h1>{body}{PROSE}</article></body></html>")


def parsed(head="", body="", url=URL, **kwargs):
    return parse_article(page(head, body, **kwargs), url)


@pytest.mark.parametrize("name", [
    "article:published_time", "og:published_time", "date", "DC.date.issued", "pubdate",
    "sailthru.date", "parsely-pub-date", "publish-date", "dcterms.created",
])
def test_meta_name_or_property(name):
    attribute = "property" if ":" in name else "name"
    record = parsed(f"<meta {attribute}='{name}' content='2019-11-18T09:30:00+00:00'>")
    assert record["published_date"] == "2019-11-18"
    assert record["field_sources"]["published"] == f"meta:{name.lower()}"


def test_the_most_specific_meta_wins_over_a_bare_date():
    record = parsed("<meta name='date' content='2020-01-05'>"
                    "<meta property='article:published_time' content='2019-11-18T09:30:00Z'>")
    assert record["published_date"] == "2019-11-18"


def test_meta_itemprop_with_several_values():
    record = parsed("<meta itemprop='datePublished dateCreated' content='2019-11-18'>")
    assert record["published_date"] == "2019-11-18"


def test_body_itemprop_with_several_values():
    record = parsed(body="<span itemprop='dateCreated datePublished' content='2019-11-17'>yesterday</span>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-17", "meta:itemprop")


def test_time_datetime_with_a_space_and_gmt():
    record = parsed(body="<time datetime='2019-11-18 17:19:53 GMT'>Nov 18</time>")
    assert record["published_at"] == "2019-11-18T17:19:53+00:00"


def test_another_site_keeps_its_own_clock():
    # 21:30 in New York is the next day in Almaty: the page's own date is the record's.
    record = parsed("<meta property='article:published_time' content='2019-11-18T21:30:00-05:00'>")
    assert (record["published_date"], record["published_at"]) == ("2019-11-18", "2019-11-18T21:30:00-05:00")


def test_a_time_without_offset_elsewhere_gives_no_moment():
    record = parsed("<meta property='article:published_time' content='2019-11-18T21:30:00'>")
    assert (record["published_date"], record["published_at"]) == ("2019-11-18", None)


def test_the_sites_own_pages_keep_almaty_time():
    record = parse_article(page("<meta property='article:published_time' content='2019-11-18T21:30:00-05:00'>"),
                           "https://primeminister.kz/en/news/reviews/harbour-bridge-reopens-30371")
    assert (record["published_date"], record["published_at"]) == ("2019-11-19", "2019-11-19T08:30:00+06:00")


@pytest.mark.parametrize("document", [
    {"@type": "NewsArticle", "datePublished": "2019-11-18T10:00:00Z"},
    {"@graph": [{"@type": "WebPage", "datePublished": "2020-02-02"},
                {"@type": "NewsArticle", "datePublished": "2019-11-18"}]},
    [{"@type": "Organization"}, {"@type": "BlogPosting", "datePublished": ["2019-11-18", "2019-11-20"]}],
    {"@type": "WebPage", "mainEntity": {"@type": "Article", "datePublished": "2019-11-18"}},
], ids=["object", "graph-article-before-webpage", "list-of-values", "nested"])
def test_json_ld(document):
    record = parsed(f"<script type='application/ld+json'>{json.dumps(document)}</script>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "meta:json-ld")


def test_json_ld_with_stray_text_after_it():
    script = '{"@type": "NewsArticle", "datePublished": "2019-11-18T10:00:00+01:00"}\n}'
    record = parsed(f"<script type='application/ld+json'>{script}</script>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "meta:json-ld")


def test_json_ld_in_a_comment_with_a_raw_newline():
    script = '<!--{"@type": "NewsArticle", "headline": "a\nb", "datePublished": "2019-11-18"}-->'
    assert parsed(f"<script type='application/ld+json'>{script}</script>")["published_date"] == "2019-11-18"


def test_a_template_blank_in_the_metadata_gives_way_to_the_printed_date():
    record = parsed("<meta property='article:published_time' content='0001-01-01T00:00:00Z'>",
                    body="<div class='byline'>Published 11:34 p.m. ET Nov. 18, 2019</div>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "structure")


def test_printed_date():
    record = parsed(body="<div class='byline'>By A. Writer, November 18, 2019</div>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "structure")


@pytest.mark.parametrize("href", ["/story/harbour-bridge-reopens", "/archive/2019-11-18"],
                         ids=["permalink", "day-archive"])
def test_printed_date_in_a_link_to_no_other_article(href):
    record = parsed(body=f"<div class='byline'><a href='{href}'><time>November 18, 2019</time></a></div>")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "structure")


def test_no_date_of_another_articles_item():
    item = ("<div class='item'><a href='/story/city-council-approves-new-budget-for-schools'>Budget</a>"
            "<div class='when'><span>March 2, 2019</span></div></div>")
    html = ("<html lang='en'><body><article><h1>Harbour bridge reopens</h1><div class='byline'>November 18, "
            f"2019</div>{PROSE}</article><div class='more'>{item}</div></body></html>")
    page_at = "https://news.example.org/2019/11/18/harbour-bridge-reopens"
    assert parse_article(html.replace("November 18, 2019", "A. Writer"), page_at)["field_sources"]["published"] == "url"
    assert parse_article(html, page_at)["published_date"] == "2019-11-18"


def test_printed_date_in_a_row_classed_as_navigation_right_under_the_headline():
    record = parsed(body="<ul class='nav meta'><li><a href='/day/2019-11-18'>18 Nov 2019 18:29</a></li></ul>")
    assert (record["published_date"], record["published_at"]) == ("2019-11-18", None)


def test_date_in_the_url_is_the_last_hint():
    record = parsed(url="https://news.example.org/2019/11/18/harbour-bridge-reopens/")
    assert (record["published_date"], record["field_sources"]["published"]) == ("2019-11-18", "url")


def test_headline_is_not_an_h1_in_a_box_inside_the_article():
    html = ("<html><head><meta property='og:title' content='Harbour bridge reopens'></head><body><article>"
            "<h1>Harbour bridge reopens</h1><p>November 18, 2019</p>"
            f"{PROSE}<div class='box'><h1>Subscribe to our newsletter</h1></div><p>More prose follows the box "
            "and it is part of the story as well.</p></article></body></html>")
    record = parse_article(html, URL)
    assert record["title"] == "Harbour bridge reopens"
    assert record["body"].startswith("The harbour bridge reopened")


def test_an_h1_naming_the_site_is_no_headline():
    html = ("<html><head><title>Harbour bridge reopens | Example News</title>"
            "<meta property='og:site_name' content='Example News'></head><body><h1>Example News</h1>"
            f"<div class='story'><h2>Harbour bridge reopens</h2><p>November 18, 2019</p>{PROSE}</div></body></html>")
    record = parse_article(html, URL)
    assert (record["title"], record["published_date"]) == ("Harbour bridge reopens", "2019-11-18")
    assert record["body"].startswith("The harbour bridge reopened")


def test_an_h1_linking_another_article_is_no_headline():
    html = ("<html><head><meta property='og:title' content='Harbour bridge reopens'></head><body><article>"
            "<h1>Harbour bridge reopens</h1><p>November 18, 2019</p><div class='text'>"
            f"{PROSE}<p>Read also</p><h1><a href='/story/ferry-timetable-changes-for-the-winter'>Ferry timetable "
            "changes</a></h1><p>More prose follows the link and it is part of the story as well.</p></div>"
            "</article></body></html>")
    record = parse_article(html, URL)
    assert record["title"] == "Harbour bridge reopens"
    assert record["body"].startswith("The harbour bridge reopened")


def test_of_several_h1s_the_one_printing_the_metadata_title():
    html = ("<html><head><meta property='og:title' content='Harbour bridge reopens'></head><body>"
            "<div class='promo'><h1>Winter sale on all subscriptions</h1></div><article><h1>Harbour bridge "
            f"reopens</h1><p>November 18, 2019</p>{PROSE}</article></body></html>")
    assert parse_article(html, URL)["title"] == "Harbour bridge reopens"


def test_a_heading_printing_the_metadata_title_beats_an_h1_of_a_sidebar():
    html = ("<html><head><title>Harbour bridge reopens — and buses return - Example News</title></head><body>"
            "<article><header><h2>Harbour bridge reopens — and buses return</h2></header><p>November 18, 2019</p>"
            f"{PROSE}</article><div class='box'><h1>Most read this week</h1></div></body></html>")
    assert parse_article(html, URL)["title"] == "Harbour bridge reopens — and buses return"


@pytest.mark.parametrize("big", [
    "<div class='article-title'>Harbour bridge reopens after eight months</div>",
    "<div><span>Harbour bridge</span> <span>reopens after eight months</span></div>",
    "<h2>Harbour bridge reopens after eight months</h2>",
])
def test_the_large_headline_above_a_smaller_h1_is_the_headline(big):
    html = ("<html><head><meta property='og:title' content='Harbour bridge reopens after eight months'></head>"
            f"<body><article>{big}<h1>Buses return to the crossing on Monday</h1><p>November 18, 2019</p>{PROSE}"
            "</article></body></html>")
    record = parse_article(html, URL)
    assert (record["title"], record["published_date"]) == ("Harbour bridge reopens after eight months", "2019-11-18")
    assert record["body"].startswith("The harbour bridge reopened")


def test_a_link_or_menu_printing_the_metadata_title_is_no_headline():
    html = ("<html><head><meta property='og:title' content='Harbour bridge reopens after eight months'></head>"
            "<body><nav><span>Harbour bridge reopens after eight months</span></nav><article>"
            "<a href='/story/harbour-bridge-reopens'>Harbour bridge reopens after eight months</a>"
            f"<h1>Harbour bridge reopens</h1><p>November 18, 2019</p>{PROSE}</article></body></html>")
    assert parse_article(html, URL)["title"] == "Harbour bridge reopens"


def test_quote_marks_and_dashes_do_not_hide_the_h1_printing_the_title():
    html = ("<html><head><meta property='og:title' content=\"'Reopened' - harbour bridge\"></head><body>"
            "<div class='promo'><h1>Winter sale on all subscriptions</h1></div><article><h1>‘Reopened’ – harbour "
            f"bridge</h1><p>November 18, 2019</p>{PROSE}</article></body></html>")
    assert parse_article(html, URL)["title"] == "‘Reopened’ – harbour bridge"


def test_an_h1_in_an_aside_inside_the_article_is_no_headline():
    html = ("<html><head><meta property='og:title' content='Bridge works end'></head><body><article>"
            "<header><h1>Harbour bridge reopens</h1></header><div class='text'><p>November 18, 2019</p>"
            f"{PROSE}<aside><h1>More on transport</h1></aside><p>More prose follows the box and it is part of "
            "the story as well.</p></div></article></body></html>")
    record = parse_article(html, URL)
    assert record["title"] == "Harbour bridge reopens"
    assert record["body"].startswith("The harbour bridge reopened")


@pytest.mark.parametrize("lang, expected", [("en-GB", "en"), ("ru", "ru"), ("kk-KZ", "kk"), ("de", None)])
def test_language_from_html_lang_off_the_site(lang, expected):
    record = parsed("<meta name='date' content='2019-11-18'>", lang=lang)
    assert record["lang"] == expected
    assert (record["site_id"], record["category"], record["kind"]) == (None, None, "news")


def test_site_url_keeps_its_scheme():
    record = parse_article(page("<meta name='date' content='2019-11-18'>", lang="de"),
                           "https://primeminister.kz/en/news/reviews/harbour-bridge-reopens-30371")
    assert (record["lang"], record["site_id"], record["category"]) == ("en", 30371, "reviews")
