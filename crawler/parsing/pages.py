"""Any item page the crawler stores, parsed by what its address says it is: a decision's
address (crawler/parsing/decision.py) as a decision, any other as an article."""
from __future__ import annotations

from pmkz.crawler.parsing.article import parse_article
from pmkz.crawler.parsing.decision import is_decision_url, parse_decision
from pmkz.crawler.parsing.selectors import KNOWN, Selectors


def parse_page(html: str | bytes, url: str, encoding: str | None = None, *, selectors: Selectors = KNOWN) -> dict:
    """The page's record; NotAnArticle (crawler/parsing/article.py) when it has none."""
    if is_decision_url(url):
        return parse_decision(html, url, encoding)
    return parse_article(html, url, encoding, selectors=selectors)
