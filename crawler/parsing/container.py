"""Where the article text is, found by structure rather than by class names.

Every paragraph-like element (p, h2-h4, blockquote, list items, pre, and divs holding
only inline content) gives its non-link text to its parent (a list's or a quote's to
the element holding the list or quote); the parent with the most is the body
container. Link text does not count, so menus, "read also" lists and sidebars of
headlines lose to prose. A container that turns out to be a run of teasers, each
linking another article, is a list, and the next best candidate is tried. When the text is split over sibling wrappers
(one `<div>` per paragraph, or text interrupted by a figure block), the container
grows to their common parent.
"""
from __future__ import annotations

from lxml import etree

from pmkz.crawler.parsing.dom import BLOCK_TAGS, is_block, is_noise
from pmkz.crawler.parsing.urls import canonical_url, is_article_url

_PARAGRAPH_TAGS = frozenset(("p", "h2", "h3", "h4", "blockquote", "li", "pre"))
# Lists and quotes hand their text on to the element that holds them.
_PASS_UP_TAGS = frozenset(("blockquote", "li", "ul", "ol"))
# Every text outside links, found in C; menus (most of a page's elements, all links)
# never reach Python. Written as one absolute descendant step, and with the cheap blank
# test before the ancestor walk, it costs a third less than `//body//text()[...]`.
_PROSE_TEXTS = etree.XPath("/descendant::body/descendant::text()[normalize-space()][not(ancestor::a)]")
# Furniture by tag only: a class word on a page wrapper must not hide the article.
_FURNITURE_TAGS = frozenset(("footer", "nav", "aside", "header", "form"))
# A sibling wrapper joins the container only with a paragraph's worth of text, and
# only when the siblings together hold a good share of what the container holds.
_MIN_SIBLING = 40
_SIBLING_SHARE = 0.3


def _paragraph_of(element):
    """The paragraph-like element holding inline content at `element`, or None when
    the text sits loose in a block that is no paragraph."""
    while element is not None:
        tag = element.tag
        if tag in _PARAGRAPH_TAGS:
            return element
        if tag == "div":
            return None if any(is_block(child) for child in element) else element
        if tag in BLOCK_TAGS:
            return None
        element = element.getparent()
    return None


def paragraph_scores(root) -> dict:
    """Element -> length of the non-link text of its paragraph-like children."""
    scores: dict = {}
    paragraphs: dict = {}  # holder of a text -> its paragraph's parent, or None
    for text in _PROSE_TEXTS(root):
        holder = text.getparent()
        if text.is_tail:
            holder = holder.getparent()
        if holder not in paragraphs:
            paragraph = _paragraph_of(holder)
            parent = paragraph.getparent() if paragraph is not None else None
            while parent is not None and parent.tag in _PASS_UP_TAGS:
                parent = parent.getparent()
            paragraphs[holder] = parent
        parent = paragraphs[holder]
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(text.strip())
    return scores


def _in_furniture(element) -> bool:
    return any(a.tag in _FURNITURE_TAGS for a in (element, *element.iterancestors()))


def _grow(best, scores):
    """Widen the container to the common parent of sibling wrappers of prose."""
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


def find_container(root):
    """The element holding the article's paragraphs, or None when there is no prose
    but lists of other articles' teasers."""
    scores = paragraph_scores(root)
    lists: list = []
    for candidate in sorted(scores, key=scores.get, reverse=True):
        if _in_furniture(candidate) or any(candidate is l or l in candidate.iterancestors() for l in lists):
            continue
        container = _grow(candidate, scores)
        if not looks_like_list(container):
            return container
        lists.append(container)
    return None


def _links_one_article(element) -> bool:
    """True when the element links exactly one article (however many times); the walk
    stops at a second one."""
    found = None
    for anchor in element.iter("a"):
        href = anchor.get("href")
        if href and is_article_url(href):
            url = canonical_url(href)
            if found is None:
                found = url
            elif url != found:
                return False
    return found is not None


def _is_run_of_teasers(box) -> bool:
    """True when at least 3 and at least half of the box's children each link one
    article. Counting stops once the answer is known: an article body's paragraphs
    rarely link any, and each test walks a child's links."""
    children = [child for child in box if isinstance(child.tag, str)]
    needed = max(3, (len(children) + 1) // 2)
    spare = len(children) - needed  # children that may fail before the answer is no
    for child in children:
        if _links_one_article(child):
            needed -= 1
            if needed == 0:
                return True
        else:
            spare -= 1
            if spare < 0:
                return False
    return False


def looks_like_list(container) -> bool:
    """True when the "body" is a run of items each linking one other article: a list
    page's teasers, or a sidebar's, which an article's text never is."""
    return any(box is not None and _is_run_of_teasers(box) for box in (container, container.getparent()))
