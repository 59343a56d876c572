"""The article text as paragraphs in normal form, read from its container.

Block elements (p, div, li, headings, ...) end a paragraph; inline elements and `<br>`
do not, so a quote mark in its own `<span>` stays glued to its sentence. Dropped:
furniture (by tag, role or class word), text the page hides (display: none), figures
and their captions, embedded post widgets (a tweet's words stay: the article quotes
them), the headline, date and lead (passed in `skip`, with the teaser cards of other
pages that `teaser_cards` finds and the pictures written without <figure> that
`picture_blocks` finds), paragraphs that are nearly all link text (share rows, lists of
other articles), a "read also" marker with the links after it, lines that are only a
date (a related link's, beside its headline or alone, or labelled datelines), a
caption between a picture and its credit, a credit's name after its label, and
boilerplate lines (credits, calls to subscribe, text.BOILERPLATE).
"""
from __future__ import annotations

import re

from pmkz.crawler.parsing.captions import CAPTION_WORDS
from pmkz.crawler.parsing.dates import is_date_only, is_dateline
from pmkz.crawler.parsing.dom import BLOCK_TAGS, contains, is_block, is_noise, non_link_length, text_of
from pmkz.crawler.parsing.selectors import class_words
from pmkz.crawler.parsing.text import CREDIT_LABEL, READ_ALSO, is_boilerplate, is_credit, normalize_text
from pmkz.crawler.parsing.urls import canonical_url, join_url

_SKIP_TAGS = frozenset(("figure", "figcaption", "h1", "img", "picture"))
_PICTURE_TAGS = frozenset(("figure", "img", "picture"))
# A picture written without <figure>: the nearest block around an image that holds text
# at all, when it holds no more than a caption and a credit, no heading, and does not
# end as a sentence does unless its class says it is a picture's block (_PHOTO_WORDS).
# Elsewhere a block that ends a sentence is a short paragraph beside a picture: a quote
# beside its author's portrait, a sentence beside a chart.
_FIGURE_TEXT = 250
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'»”’)\]]*$")
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
# Captions, photo credits and photo galleries by class word, where a page writes them
# as a <div> or <p> rather than <figure> and <figcaption> ("wp-caption-text",
# "image-credit", "asset_gallery"): they go with the images.
_PICTURE_WORDS = CAPTION_WORDS | {"credit", "credits", "gallery", "slideshow"}
# Blocks of a picture's kind by class word ("article-photo", "media", "bild"): what is
# short in them is its caption even when it ends as a sentence does.
_PHOTO_WORDS = frozenset(("photo", "photos", "foto", "image", "img", "picture", "pic", "media", "bild", "figure",
                          "illustration"))
# Embedded posts whose markup is the widget's (its name, a "View this post" link, the
# poster's handle and a date), not the post's words; they are no part of the article's
# text. A tweet's blockquote holds the words the article quotes, and stays.
_EMBED_CLASSES = frozenset(("instagram-media", "tiktok-embed", "fb-post", "fb-video", "telegram-post"))
_TWEET_CLASS = "twitter-tweet"
# Microdata that marks a dateline or a byline (`<span itemprop="datePublished">`): the
# article's facts about itself, not its text.
_ABOUT_ITEMPROPS = frozenset(("datepublished", "datemodified", "datecreated", "author", "publisher"))
# Table cells are read row by row, cells apart.
# The name after a credit's label: an agency, a photographer, "personal archive of ...".
_CREDIT_NAME = 120
# What the page hides from its readers (microdata copies of the headline, image sizes).
_HIDDEN = re.compile(r"display\s*:\s*none")
_CELL_TAGS = frozenset(("td", "th"))
_LINK_SHARE = 0.9  # a paragraph this much link text is navigation, not prose
_LINK_SHARE_AFTER_READ_ALSO = 0.5
# A paragraph that is one link is still prose when it reads as a sentence: this many
# words and a sentence's end. Headlines of other articles rarely end with a full stop.
_LINKED_PROSE_WORDS = 12
_SENTENCE_END = (".", "!", "?", "…", ".\"", ".”", ".»", ".'")
_NOT_LETTERS = re.compile(r"[\W_]+")
# A teaser card's own text: a line or two of summary, a byline, a date.
_CARD_TEXT = 200
# How an element read is closed (_Reader._close).
_BLOCK, _LINK, _CELL = "block", "link", "cell"


class _Reader:
    def __init__(self, skip, start):
        self.skip = skip
        self.start = start
        self.started = start is None
        self.parts: list[str] = []
        self.link_parts: list[str] = []
        self.paragraphs: list[str] = []
        self.after_read_also = False
        # How many paragraphs were read when the last picture came, at a paragraph's start.
        self.picture_at = None
        self.after_credit_label = False

    def flush(self) -> None:
        if not self.parts:
            return
        if not self.started:  # before the headline: nothing to read, nothing to normalise
            self.parts.clear()
            self.link_parts.clear()
            return
        text = normalize_text("".join(self.parts))
        link_parts, self.link_parts = self.link_parts, []
        link_text = "".join(link_parts)
        self.parts.clear()
        if not text:
            return
        if READ_ALSO.match(text):
            self.after_read_also = True
            return
        links = normalize_text(link_text) if link_text else ""
        limit = _LINK_SHARE_AFTER_READ_ALSO if self.after_read_also else _LINK_SHARE
        if links and len(links) < limit * len(text) <= 2 * len(links):
            # Commas and bars between links are no prose: letters and digits decide.
            links, text_letters = _NOT_LETTERS.sub("", links), _NOT_LETTERS.sub("", text)
        else:
            text_letters = text
        if len(links) >= limit * len(text_letters) and (
                self.after_read_also or not text.endswith(_SENTENCE_END) or len(text.split()) < _LINKED_PROSE_WORDS):
            return
        self.after_read_also = False
        if is_date_only(text) or is_dateline(text) or links and is_date_only(_without_links(text, link_parts)):
            return  # a related link's date, or a dateline
        if self.after_credit_label:
            self.after_credit_label = False
            if len(text) <= _CREDIT_NAME and not _ENDS_SENTENCE.search(text):
                return  # the name a credit's label ("Photo:") names, in a block of its own
        if CREDIT_LABEL.match(text):
            self.after_credit_label = True
            return
        if not is_boilerplate(text):
            self.paragraphs.append(text)
        elif (is_credit(text) and self.picture_at is not None and self.picture_at == len(self.paragraphs) - 1
              and len(self.paragraphs[-1]) <= _FIGURE_TEXT and not _ENDS_SENTENCE.search(self.paragraphs[-1])):
            # The picture's caption, printed between it and its credit. A sentence there is
            # the text's own, before the page's credit for all its photos.
            self.paragraphs.pop()
            self.picture_at = None

    def visit(self, root) -> None:
        """Read the text under `root` in page order. A loop over a stack of open elements,
        not recursion: a page may nest deeper than Python's recursion limit."""
        # .text and .tail build a new string on every access: read each once.
        text = root.text
        if text:
            self.parts.append(text)
        # (children left to read, the element they belong to, how to close it, link mark)
        stack = [(iter(root), None, None, 0)]
        while stack:
            children, element, closing, mark = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if element is not None:
                    self._close(element, closing, mark)
                continue
            tag = child.tag
            if not isinstance(tag, str):
                pass
            elif child is self.start:
                self.flush()
                self.started = True
            elif tag in _SKIP_TAGS or child in self.skip or is_noise(child) or child.attrib and (
                    not class_words(child).isdisjoint(_PICTURE_WORDS) or child.get("role") == "figure"
                    or not _EMBED_CLASSES.isdisjoint((child.get("class") or "").split())
                    or not _ABOUT_ITEMPROPS.isdisjoint((child.get("itemprop") or "").lower().split())
                    or _HIDDEN.search(child.get("style") or "")):
                if tag in _PICTURE_TAGS and not "".join(self.parts).strip():
                    self.flush()
                    self.picture_at = len(self.paragraphs)
                if tag in BLOCK_TAGS:
                    self.flush()
                    if tweets := _quoted_posts(child):
                        # A social widget's wrapper around a tweet: its words are read, its buttons not.
                        stack.append((iter(tweets), child, _BLOCK, len(self.parts)))
                        continue
            else:
                closing = _BLOCK if tag in BLOCK_TAGS else _LINK if tag == "a" else _CELL if tag in _CELL_TAGS else None
                if closing is _BLOCK:
                    self.flush()
                elif closing is _CELL:
                    self.parts.append(" ")
                mark = len(self.parts)
                text = child.text
                if text:
                    self.parts.append(text)
                stack.append((iter(child), child, closing, mark))
                continue
            tail = child.tail
            if tail:
                self.parts.append(tail)

    def _close(self, element, closing, mark) -> None:
        """The end of an element read: a block ends its paragraph, a link's text is
        counted as link text, a table cell is spaced from the next; then its tail."""
        if closing is _BLOCK:
            self.flush()
        elif closing is _LINK:
            self.link_parts.append("".join(self.parts[mark:]))
        elif closing is _CELL:
            self.parts.append(" ")
        tail = element.tail
        if tail:
            self.parts.append(tail)


def _quoted_posts(element) -> list:
    """The tweets embedded under a wrapper (their blockquotes)."""
    return [quote for quote in element.iter("blockquote") if _TWEET_CLASS in (quote.get("class") or "").split()]


def _without_links(text: str, link_parts: list[str]) -> str:
    """The paragraph's text with its links' text taken out."""
    for link in filter(None, map(normalize_text, link_parts)):
        text = text.replace(link, " ", 1)
    return normalize_text(text)


def teaser_cards(container, page_url: str) -> list:
    """Elements in the container that are teasers of other pages: an image and a headline
    (or a button) each linking the same page, with little text of their own. A related
    story, a next/previous box or an advert, never a paragraph of the article."""
    # Links are grouped by href as written: a card repeats its link's href exactly.
    pictured = {a.get("href").strip() for img in container.iter("img")
                for a in img.iterancestors("a") if (a.get("href") or "").strip()}
    pictured.discard("#")
    if not pictured:
        return []
    own = canonical_url(page_url)
    by_href: dict = {}
    for anchor in container.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href in pictured:
            by_href.setdefault(href, []).append(anchor)
    cards = []
    for href, links in by_href.items():
        if len(links) < 2 or canonical_url(join_url(page_url, href)) == own:
            continue
        for image_link in (a for a in links if next(a.iter("img"), None) is not None):
            # The card: the nearest block holding the image's link and another to the page.
            for card in image_link.iterancestors():
                if card is container:
                    break
                if any(a is not image_link and contains(card, a) for a in links):
                    if non_link_length(card) <= _CARD_TEXT:
                        cards.append(card)
                    break
    return cards


def picture_blocks(container) -> list:
    """Blocks in the container that are a picture with its caption and credit and nothing
    else (`_FIGURE_TEXT`): found from each image up, so a page's few images cost a few
    short walks."""
    found = []
    for image in container.iter("img", "picture"):
        for block in image.iterancestors():
            if block is container:
                break
            if not is_block(block):
                continue
            text = normalize_text(text_of(block))
            if text:
                if (len(text) <= _FIGURE_TEXT and next(block.iter(*_HEADING_TAGS), None) is None
                        and (not _ENDS_SENTENCE.search(text) or _of_a_pictures_kind(image, block))):
                    found.append(block)
                break
    return found


def _of_a_pictures_kind(image, block) -> bool:
    """True when a wrapper of the image up to `block` says by a class word that it is a
    picture's block (the image's own class says nothing: every image is one)."""
    for element in image.iterancestors():
        if element.attrib and not class_words(element).isdisjoint(_PHOTO_WORDS):
            return True
        if element is block:
            return False
    return False


def extract_paragraphs(container, skip=(), start=None) -> list[str]:
    """Paragraphs of `container` in page order. `skip`: elements that are not body
    (headline, date, lead); `start`: the headline when it sits inside the container,
    so that breadcrumbs and such before it are not read as text."""
    reader = _Reader(set(skip), start)
    reader.visit(container)
    reader.flush()
    return reader.paragraphs
