"""Where the article text is, found by structure rather than by class names.

Every paragraph-like element (p, h2-h4, blockquote, list items, pre, and divs holding
only inline content) gives its non-link text to its parent (a list's or a quote's to
the element holding the list or quote), text loose in a block gives it to that block;
the element with the most is the body container. Link text does not count, so menus, "read also" lists and sidebars of
headlines lose to prose. A container that turns out to be a run of teasers, each
linking another article, is a list, and the next best candidate is tried. When the text is split over sibling wrappers
(one `<div>` per paragraph, or text interrupted by a figure block), the container
grows to their common parent.
"""
from __future__ import annotations

from itertools import islice

from lxml import etree

from pmkz.crawler.parsing.dom import BLOCK_TAGS, common_ancestor, contains, doc_index, is_block, is_noise, non_link_length
from pmkz.crawler.parsing.selectors import LEAD_WORDS, class_words
from pmkz.crawler.parsing.urls import canonical_url, is_article_url

_PARAGRAPH_TAGS = frozenset(("p", "h2", "h3", "h4", "blockquote", "li", "pre"))
# Lists and quotes hand their text on to the element that holds them.
_PASS_UP_TAGS = frozenset(("blockquote", "li", "ul", "ol"))
# Every text outside links, found in C; menus (most of a page's elements, all links)
# never reach Python. Written as one absolute descendant step, and with the cheap blank
# test before the ancestor walk, it costs a third less than `//body//text()[...]`.
_PROSE_TEXTS = etree.XPath("/descendant::body/descendant::text()[normalize-space()][not(ancestor::a)]")
# Blocks whose loose text is prose of their own.
_LOOSE_HOLDERS = frozenset(("div", "section", "article", "main", "td", "th", "center", "font", "dd"))
# Furniture by tag only: a class word on a page wrapper must not hide the article. Still
# the article may sit in one (a page-wide <form>, prose in <header> or <aside>): a
# candidate in furniture wins when it holds this many times the best one outside.
_FURNITURE_TAGS = frozenset(("footer", "nav", "aside", "header", "form"))
_FURNITURE_MARGIN = 2
# The same by class word, for a page footer written as a <div class="footer-wrap">.
_FURNITURE_WORDS = frozenset(("footer",))
# Readers' comments, by class or id word: furniture too, however much prose they hold.
_COMMENT_WORDS = frozenset(("comment", "comments", "disqus", "respond", "replies"))
# A sibling wrapper joins the container only with a paragraph's worth of text, and
# only when the siblings together hold a good share of what the container holds.
_MIN_SIBLING = 40
_SIBLING_SHARE = 0.3
_LIST_TAGS = frozenset(("ul", "ol"))
_TEASER_TEXT = 1000  # a headline and a line or two of summary are far less
_SUBHEADING_TAGS = frozenset(("h2", "h3", "h4"))
# Boxes that open with a subheading and are about the article, not of it: its author.
_ABOUT_WORDS = frozenset(("author", "authors", "bio", "byline", "about"))
# Elements whose text scores for their parent (or further up), measured where a sibling's own text is asked.
_OWN_TEXT_TAGS = _PARAGRAPH_TAGS | _LIST_TAGS
# A sibling wrapper of the container's kind joins with at most this much link text for
# its own text.
_SIBLING_LINK_SHARE = 0.33


def _credited(element):
    """The element a text at `element` scores for, or None.

    A paragraph-like element's text scores for its parent (a list's or a quote's for
    the element holding it); text loose in a block that also has block children (prose
    written straight into a `<div>`, between its figures, or in a table cell) scores for
    that block itself. Headings' and captions' text scores for nothing."""
    while element is not None:
        tag = element.tag
        if tag in _PARAGRAPH_TAGS:
            break
        if tag in _LOOSE_HOLDERS:
            if tag == "div" and not any(is_block(child) for child in element):
                break
            return element
        if tag in BLOCK_TAGS:
            return None
        element = element.getparent()
    else:
        return None
    parent = element.getparent()
    while parent is not None and parent.tag in _PASS_UP_TAGS:
        parent = parent.getparent()
    return parent


def paragraph_scores(root) -> dict:
    """Element -> length of the non-link text it holds as paragraphs (`_credited`)."""
    scores: dict = {}
    credited: dict = {}  # holder of a text -> the element its text scores for, or None
    for text in _PROSE_TEXTS(root):
        holder = text.getparent()
        if text.is_tail:
            holder = holder.getparent()
        if holder not in credited:
            credited[holder] = _credited(holder)
        parent = credited[holder]
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(text.strip())
    return scores


def _in_furniture(element) -> float:
    """0 for an element outside furniture, else how many times the best candidate
    outside it must hold to lose: readers' comments lose to any."""
    margin = 0
    for a in (element, *element.iterancestors()):
        # The page's own classes describe its layout ("has-sidebar", "sticky-footer").
        words = class_words(a) if a.attrib and a.tag not in ("body", "html") else ()
        if words and not words.isdisjoint(_COMMENT_WORDS):
            return float("inf")
        if a.tag in _FURNITURE_TAGS or words and not words.isdisjoint(_FURNITURE_WORDS):
            margin = _FURNITURE_MARGIN
    return margin


def _subtree_totals(scores) -> dict:
    """Element -> the scores of it and everything under it."""
    totals: dict = {}
    for element, score in scores.items():
        totals[element] = totals.get(element, 0) + score
        for ancestor in element.iterancestors():
            totals[ancestor] = totals.get(ancestor, 0) + score
    return totals


def _joins(sibling, is_article) -> bool:
    """A sibling wrapper may be more of the body: not furniture, not the article's
    header (it holds the headline, and the lead is no body), not a run of teasers, not
    other articles (`<article>`s, more than one: "you may also like", whole)."""
    return (not is_noise(sibling) and next(sibling.iter("h1"), None) is None
            and len(list(islice(sibling.iter("article"), 2))) < 2
            and not _is_run_of_teasers(sibling, is_article))


def _kind(element) -> tuple:
    """A wrapper's kind: its tag and first class word (`div.article-body version-2` and
    `div.article-body` are two of one kind)."""
    words = (element.get("class") or "").split()
    return element.tag, words[0] if words else None


def _mostly_unlinked(element) -> bool:
    """Little of the element's text is link text: a wrapper of prose, where a page
    builder's row of the same kind holds teasers, their headlines all links."""
    own = non_link_length(element)
    return len("".join(text.strip() for text in element.itertext())) - own <= _SIBLING_LINK_SHARE * own


def _opens_with_subheading(element) -> bool:
    """The element's first child is a subheading: a section of its own, the article's
    next one or a box about something else (`_ABOUT_WORDS`)."""
    first = next(element.iterchildren(etree.Element), None)
    return first is not None and first.tag in _SUBHEADING_TAGS


def _continued(container, totals, is_article) -> bool:
    """A sibling holding prose of its own continues the container, however little, when
    it is of the container's own kind (a second `div.article-body` after an advert, a
    figure; a kind told only by a tag but `section` is any block, an author's box as much
    as the article), or comes after a subheading that follows the container."""
    kind = _kind(container)
    same_kind = kind[1] is not None or kind[0] == "section"

    def prose(child) -> bool:
        # A paragraph's own text scores for its parent, so it is measured here.
        length = totals.get(child, 0) or (non_link_length(child) if child.tag in _OWN_TEXT_TAGS else 0)
        return length >= _MIN_SIBLING and _mostly_unlinked(child) and _joins(child, is_article)

    # Paragraphs of the parent's own before the container: the opening a page prints
    # above its "paywall" or "more" wrapper. A lead or summary is no such paragraph.
    if any(child.tag == "p" and class_words(child).isdisjoint(LEAD_WORDS) and prose(child)
           for child in container.itersiblings(preceding=True)):
        return True
    after_heading = False
    for place, child in enumerate(container.itersiblings()):
        if child.tag in _SUBHEADING_TAGS:
            after_heading = True
        elif (after_heading or same_kind and _kind(child) == kind or place == 0 and child.tag in _LIST_TAGS
              or _opens_with_subheading(child) and class_words(child).isdisjoint(_ABOUT_WORDS)) and prose(child):
            return True
    return same_kind and any(_kind(child) == kind and prose(child) for child in container.itersiblings(preceding=True))


def _grow(best, scores, totals, is_article):
    """Widen the container to the common parent of sibling wrappers of prose. Beside the
    container any sibling joins that holds a good share of the text, and so do the
    paragraphs the parent holds itself, or that continues it (`_continued`); further up, past wrappers holding nothing else,
    only siblings of the wrapper's own kind (one wrapper per few paragraphs). The walk
    stops at a sibling of prose that does not join."""
    total = totals[best]
    node = best
    while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
        like = _kind(node) if node is not best else None
        others = (scores.get(parent, 0) if like is None else 0) + sum(
            score for child in parent
            if child is not node and (score := totals.get(child, 0)) >= _MIN_SIBLING
            and (like is None or _kind(child) == like and _mostly_unlinked(child)) and _joins(child, is_article)
        )
        if others >= _SIBLING_SHARE * total or like is None and _continued(node, totals, is_article):
            best, total = parent, total + others
        elif others or like is None and any(
                child is not node and totals.get(child, 0) >= _MIN_SIBLING for child in parent):
            break
        node = parent
    return best


def find_container(root, is_article=is_article_url, exclude=None) -> tuple[object, bool]:
    """(the element holding the article's paragraphs, or None; whether prose was passed
    over as lists of other articles' teasers): None and True is a list page.
    `is_article`: the page's test of a link to another article (urls.article_link_test);
    `exclude`: an element none of whose text is the body (another article's)."""
    scores = paragraph_scores(root)
    if exclude is not None:
        scores = {element: score for element, score in scores.items() if not contains(exclude, element)}
    totals = _subtree_totals(scores)
    lists: list = []
    in_furniture = None  # (container, score needed outside to beat it) of the best inside furniture
    for candidate in sorted(scores, key=scores.get, reverse=True):
        if any(candidate is l or l in candidate.iterancestors() for l in lists):
            continue
        furniture = _in_furniture(candidate)
        if furniture and in_furniture is not None:
            continue
        container = _grow(candidate, scores, totals, is_article)
        if looks_like_list(container, totals, is_article):
            lists.append(container)
        elif not furniture:
            if in_furniture is not None and in_furniture[1] > scores[candidate]:
                return in_furniture[0], bool(lists)
            return container, bool(lists)
        else:
            in_furniture = (container, scores[candidate] / furniture)
    return (in_furniture[0] if in_furniture is not None else None), bool(lists)


def _another_article(container, headline, top):
    """The element below `top` holding the container and an h1 before it and outside it
    (another article's headline), or None."""
    for ancestor in (container, *container.iterancestors()):
        if ancestor is top:
            return None
        for h1 in ancestor.iter("h1"):
            if h1 is not headline and not contains(container, h1) and doc_index(h1) < doc_index(container):
                return ancestor
    return None


def _furniture_apart(container, headline):
    """The outermost furniture element (`_FURNITURE_TAGS`, `_FURNITURE_WORDS`) holding
    the container but not the headline, or None."""
    found = None
    for element in (container, *container.iterancestors()):
        if contains(element, headline):
            break
        words = class_words(element) if element.attrib else ()
        if element.tag in _FURNITURE_TAGS or words and not words.isdisjoint(_FURNITURE_WORDS):
            found = element
    return found


def headline_container(root, container, headline, is_article=is_article_url):
    """The body container that goes with the page's headline. A page that appends the
    next story (endless scrolling) may hold a longer body than its own, under that
    story's h1: the body is then looked for outside it, and taken when it sits nearer
    the headline than the first choice did (a promotion's h1 beside the article leaves
    no such body, and the first choice stays). A body found in furniture apart from
    the headline (a sidebar's long text widget) gives way to the best body outside it."""
    furniture = _furniture_apart(container, headline)
    if furniture is not None:
        outside = find_container(root, is_article, exclude=furniture)[0]
        # With no paragraph's worth of text outside, the page is no article of its own
        # (an attachment page): the furniture's text stays what it was.
        if outside is not None and non_link_length(outside) >= _MIN_SIBLING:
            container = outside
    top = common_ancestor(headline, container)
    other = _another_article(container, headline, top)
    if other is None:
        return container
    again = find_container(root, is_article, exclude=other)[0]
    if again is None:
        return container
    nearer = common_ancestor(headline, again)
    return again if nearer is not top and contains(top, nearer) else container


def _links_one_article(element, is_article) -> bool:
    """True when the element links exactly one article (however many times); the walk
    stops at a second one."""
    found = None
    for anchor in element.iter("a"):
        href = anchor.get("href")
        if href and is_article(href):
            url = canonical_url(href)
            if found is None:
                found = url
            elif url != found:
                return False
    return found is not None


def _is_run_of_teasers(box, is_article) -> bool:
    """True when at least 3 and at least half of the box's children each link one
    article. Counting stops once the answer is known: an article body's paragraphs
    rarely link any, and each test walks a child's links."""
    children = [child for child in box if isinstance(child.tag, str)]
    needed = max(3, (len(children) + 1) // 2)
    spare = len(children) - needed  # children that may fail before the answer is no
    for child in children:
        if _links_one_article(child, is_article):
            needed -= 1
            if needed == 0:
                return True
        else:
            spare -= 1
            if spare < 0:
                return False
    return False


def looks_like_list(container, totals, is_article) -> bool:
    """True when the "body" is a run of items each linking one other article: a list
    page's teasers, or a sidebar's, which an article's text never is. The items may be
    the container's children, its parent's, or those of a list holding most of its text
    (a `<ul>` of teasers inside a `<div>`)."""
    lists = [child for child in container if child.tag in _LIST_TAGS
             and 2 * non_link_length(child) > totals.get(container, 0)]
    # A container holding more than a teaser's text is no teaser among its siblings
    # (an article's header, body and footer may each link one other article).
    parent = container.getparent() if totals.get(container, 0) < _TEASER_TEXT else None
    return any(box is not None and _is_run_of_teasers(box, is_article) for box in (container, parent, *lists))
