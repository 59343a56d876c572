"""Pages that are not articles: NotAnArticle with a one-line message naming what is missing."""
from pathlib import Path

import pytest

from pmkz.crawler.parsing import NotAnArticle, parse_article

PAGES = Path(__file__).parent / "files" / "pages"
SITE = "https://primeminister.kz"


@pytest.mark.parametrize("name, url, message", [
    ("not-found-404-en.html", f"{SITE}/en/news/no-such-page-99999", "no publication date"),
    ("list-2026-markup-ru.html", f"{SITE}/ru/news", "news list page"),
    ("list-2026-markup-ru.html", f"{SITE}/ru/news/looks-like-an-article-1", "no headline"),
    ("list-no-classes-kz.html", f"{SITE}/kz/news/looks-like-an-article-1", "no headline"),
    ("list-2019-markup-en-page-3.html", f"{SITE}/en/news/page/3", "news list page"),
    ("decision-ru.html", f"{SITE}/ru/decisions/19012024-20", "decisions page"),
    ("not-html.png", f"{SITE}/en/news/an-image-1", "not an HTML page"),
])
def test_not_an_article(name, url, message):
    with pytest.raises(NotAnArticle, match=message) as caught:
        parse_article((PAGES / name).read_bytes(), url)
    assert "\n" not in str(caught.value)


def test_list_of_teasers_with_a_real_headline_has_no_body():
    items = "".join(
        f"<div class='news-item'><h3><a href='/en/news/news-number-{n}-{n}'>News number {n}</a></h3>"
        f"<p>A teaser long enough to look like a paragraph of an article, number {n}.</p>"
        f"<span>1{n} March 2024</span></div>" for n in range(5))
    html = f"<html><body><h1>Government news of the week</h1><div class='news'>{items}</div></body></html>"
    with pytest.raises(NotAnArticle, match="no body"):
        parse_article(html, f"{SITE}/en/news/weekly-digest-1")


def test_empty_page():
    with pytest.raises(NotAnArticle):
        parse_article(b"", f"{SITE}/en/news/empty-1")


def test_not_an_article_is_a_value_error():
    assert issubclass(NotAnArticle, ValueError)


def test_url_not_http_is_refused():
    with pytest.raises(ValueError, match="bad URL"):
        parse_article((PAGES / "ru-news-2026-markup.html").read_bytes(), "ftp://primeminister.kz/ru/news/a-1")


def test_url_without_language_section_is_parsed_by_the_page():
    record = parse_article((PAGES / "ru-news-2026-markup.html").read_bytes(), "https://primeminister.kz/news/a-1")
    assert record["lang"] == "ru" and record["site_id"] is None and record["category"] is None
    assert record["kind"] == "news" and record["body"]
