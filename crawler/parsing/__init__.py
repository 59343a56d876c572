"""Pure functions from saved HTML to values: article records and list pages.

Nothing here imports Scrapy, so the parsers run and test alone:

    from pmkz.crawler.parsing import parse_article, parse_listing, NotAnArticle
    record = parse_article(html_bytes, "https://primeminister.kz/en/news/some-slug-30371")
"""
from pmkz.crawler.parsing.article import NotAnArticle, parse_article
from pmkz.crawler.parsing.listing import Listing, parse_listing

__all__ = ["Listing", "NotAnArticle", "parse_article", "parse_listing"]
