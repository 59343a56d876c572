"""The page tree (lxml, parsed once) and the few questions every extractor asks of it.

lxml's plain etree elements, not lxml.html's or BeautifulSoup's: walking them costs
a fifth of lxml.html's and a fraction of BeautifulSoup's, whose tree builder alone
takes longer than the whole parse budget on a 75 KB page. The HTML parser is the same
libxml2 one that BeautifulSoup's "lxml" builder uses, so broken markup is repaired the
same way.
"""
from __future__ import annotations

from lxml import etree

from pmkz.crawler.parsing.selectors import NOISE_ROLES, NOISE_TAGS, NOISE_WORDS, class_attr_words, class_words
from pmkz.crawler.parsing.text import xml_safe

# Through the attribute, not `descendant::*[@aria-level='1']`: see headline._TOP_HEADINGS.
_ARIA_TOP_HEADING = etree.XPath("descendant::*/@aria-level[.='1']/parent::*[@role='heading']")
# Never text of the page.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object",
                  "embed", "canvas", "select", "textarea", "video", "audio", "map")
_SUBHEADING_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
# Elements that end one paragraph and start another.
BLOCK_TAGS = frozenset((
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3",
    "h4", "h5", "h6", "section", "article", "main", "header", "footer", "aside", "nav",
    "table", "thead", "tbody", "tfoot", "tr", "figure", "figcaption", "hr", "address",
    "center", "details", "summary", "form", "fieldset", "caption",
))


def parse_document(text: str):
    """The page's root element, or None when there is no markup at all."""
    # huge_tree: past libxml2's default depth of 256 it drops the rest of the page.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8",
                              no_network=True, huge_tree=True)
    try:
        return etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except etree.ParserError:
        return None


def prepare(root) -> None:
    """Drop what is never text, and make every `<br>` a space, once per page."""
    etree.strip_elements(root, *INVISIBLE_TAGS, with_tail=False)
    for br in root.iter("br"):
        # libxml2 keeps what a character reference like `&#1;` names; lxml then refuses
        # to set that text back (ValueError), so it is cleaned before.
        br.tail = " " + xml_safe(br.tail or "")


def text_of(element) -> str:
    """All text inside an element, inline elements joined as printed."""
    return "".join(element.itertext())


def spaced_text_of(element) -> str:
    """All text inside an element with a space between nodes: for dates split over
    `<span>`s, where "2024" and "14:35" must not run together."""
    return " ".join(element.itertext())


_NON_LINK_TEXTS = etree.XPath("descendant::text()[normalize-space()][not(ancestor::a)]")


def non_link_length(element) -> int:
    """Characters of the text inside an element that is not link text."""
    return sum(len(text.strip()) for text in _NON_LINK_TEXTS(element))


def is_block(element) -> bool:
    return isinstance(element.tag, str) and element.tag in BLOCK_TAGS


def is_noise(element) -> bool:
    """Navigation, sidebars, share widgets and the like, by tag, role or class word."""
    tag = element.tag
    if tag in NOISE_TAGS:
        return True
    if tag == "header":  # the page header; an article's own header holds its headline
        return next(element.iter("h1"), None) is None and not _ARIA_TOP_HEADING(element)
    if not element.attrib:  # most elements carry no attributes: no role or class to read
        return False
    if element.get("role") in NOISE_ROLES:
        return True
    words = class_attr_words(element) if tag in _SUBHEADING_TAGS else class_words(element)
    return not words.isdisjoint(NOISE_WORDS)


def in_noise_or_link(element, stop=None) -> bool:
    """True when the element or an ancestor below `stop` is furniture or a link.

    `stop` is an element or the result of `lineage` (say, the headline's ancestors):
    the walk ends there, so a page wrapper with a "sidebar" class cannot hide an article.
    """
    stops = stop if isinstance(stop, dict) else {id(stop): stop}
    while element is not None and id(element) not in stops:
        if element.tag == "a" or is_noise(element):
            return True
        element = element.getparent()
    return False


def in_noise_or_link_remembered(element, known: dict) -> bool:
    """in_noise_or_link(element) up to the root, remembering in `known` the answer for
    every element on the way: a list page's links share nearly all their ancestors, so
    each is tested once."""
    below = []
    answer = False
    while element is not None:
        if element in known:
            answer = known[element]
            break
        if element.tag == "a" or is_noise(element):
            answer = True
            break
        below.append(element)
        element = element.getparent()
    for passed in below:
        known[passed] = answer
    return answer


def lineage(element) -> dict[int, object]:
    """The element and its ancestors by id, a `stop` for in_noise_or_link.

    Keyed by id but holding the elements: lxml keeps one Python object per node only
    while something references it, so the ids stay valid as long as this dict lives.
    """
    return {id(e): e for e in (element, *element.iterancestors())}


_DOC_INDEX = etree.XPath("count(preceding::*) + count(ancestor::*)")


def doc_index(element) -> int:
    """Position of the element in document order."""
    return int(_DOC_INDEX(element))


def common_ancestor(first, second):
    """The nearest element containing both."""
    ancestors = lineage(first)
    for element in (second, *second.iterancestors()):
        if id(element) in ancestors:
            return element
    return first.getroottree().getroot()


def contains(ancestor, element) -> bool:
    return any(a is ancestor for a in element.iterancestors()) or ancestor is element
