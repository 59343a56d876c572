"""Where the article text is, found by structure rather than by class names.

Every paragraph-like element (p, h2-h4, blockquote, list items, pre, and divs holding
only inline content) gives its non-link text to its parent; the parent with the most
is the body container. Link text does not count, so menus, "read also" lists and
sidebars of headlines lose to prose. When the text is split over sibling wrappers
(one `<div>` per paragraph, or text interrupted by a figure block), the container
grows to their common parent.
"""
from __future__ import annotations

from crawler.parsing.dom import is_block, is_noise, text_of
from crawler.parsing.urls import canonical_url, is_article_url

_PARAGRAPH_TAGS = ("p", "h2", "h3", "h4", "blockquote", "li", "pre", "div")
# Furniture by tag only: a class word on a page wrapper must not hide the article.
_FURNITURE_TAGS = frozenset(("footer", "nav", "aside", "header", "form"))
# A sibling wrapper joins the container only with a paragraph's worth of text, and
# only when the siblings together hold a good share of what the container holds.
_MIN_SIBLING = 40
_SIBLING_SHARE = 0.3


def _prose_length(element) -> int:
    text = len(text_of(element).strip())
    if not text:
        return 0
    return text - sum(len(text_of(a).strip()) for a in element.iter("a"))


def paragraph_scores(root) -> dict:
    """Element -> non-link text of its paragraph-like children."""
    scores: dict = {}
    for element in root.iter(*_PARAGRAPH_TAGS):
        if element.tag == "div" and any(is_block(child) for child in element):
            continue
        parent = element.getparent()
        if element.tag == "li" and parent is not None and parent.tag in ("ul", "ol"):
            parent = parent.getparent()
        if parent is None:
            continue
        length = _prose_length(element)
        if length > 0:
            scores[parent] = scores.get(parent, 0) + length
    return scores


def _in_furniture(element) -> bool:
    return any(a.tag in _FURNITURE_TAGS for a in (element, *element.iterancestors()))


def find_container(root):
    """The element holding the article's paragraphs, or None when there is no prose."""
    scores = paragraph_scores(root)
    best = next((e for e in sorted(scores, key=scores.get, reverse=True) if not _in_furniture(e)), None)
    if best is None:
        return None
    total = scores[best]
    while (parent := best.getparent()) is not None and parent.tag not in ("body", "html"):
        others = sum(
            score for child in parent
            if child is not best and (score := scores.get(child, 0)) >= _MIN_SIBLING and not is_noise(child)
        )
        if others < _SIBLING_SHARE * total:
            break
        best, total = parent, total + others + scores.get(parent, 0)
    return best


def _article_links(element) -> set[str]:
    return {canonical_url(a.get("href")) for a in element.iter("a")
            if a.get("href") and is_article_url(a.get("href"))}


def looks_like_list(container) -> bool:
    """True when the "body" is a run of items each linking one other article: a list
    page's teasers, which an article never is."""
    for box in (container, container.getparent()):
        if box is None:
            continue
        children = [child for child in box if isinstance(child.tag, str)]
        single = sum(1 for child in children if len(_article_links(child)) == 1)
        if single >= 3 and single * 2 >= len(children):
            return True
    return False
