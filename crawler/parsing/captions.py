"""Each content image's caption, the record's `image_captions`: image URL -> caption.

A caption is found by structure, walking up from the image while the wrapper holds no
other image: a `<figcaption>` or a caption-classed block ("wp-caption-text", "legende")
beside it; else a caption written into the image's own `title` or `data-caption` (or
its link's, as lightboxes do). Credits ("Фото: ...", "© Agency", a credit-classed
part) are cut off, and what repeats the headline or is boilerplate is no caption. Alt
text is not read: it describes the picture for who cannot see it, and pages fill it
with the headline.
"""
from __future__ import annotations

from lxml import etree

from pmkz.crawler.parsing.dom import BLOCK_TAGS
from pmkz.crawler.parsing.images import content_images
from pmkz.crawler.parsing.selectors import class_words
from pmkz.crawler.parsing.text import CREDIT_START, is_boilerplate, normalize_text

# Class words of a caption written as a <div>, <p> or <span> rather than <figcaption>.
CAPTION_WORDS = frozenset(("caption", "captions", "legend", "legende", "bildunterschrift", "bildtext", "leyenda",
                           "didascalia", "podpis"))
_CREDIT_WORDS = frozenset(("credit", "credits", "copyright", "photographer", "byline", "source"))
# How far up from the image a caption is looked for: the image, its link, a wrapper or two.
_LEVELS = 4
_ATTRIBUTES = ("title", "data-caption")
# Separators a caption's text is left with when its credit is cut off ("Caption | © ...").
_TRAILING = " |/—–-·•,;:"


def _is_caption(element) -> bool:
    if element.tag == "figcaption":
        return True
    words = class_words(element)
    return not words.isdisjoint(CAPTION_WORDS) and words.isdisjoint(_CREDIT_WORDS)


def _text_without_credits(element) -> str:
    """The element's text, blocks apart, without its credit-classed parts."""
    parts = []
    walk = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walk:
        spacer = " " if node.tag in BLOCK_TAGS else ""
        if event == "start":
            if node is not element and node.attrib and not class_words(node).isdisjoint(_CREDIT_WORDS):
                walk.skip_subtree()
            else:
                parts += [spacer, node.text or ""]
        elif node is not element:  # an element's end, or a comment: its tail follows
            parts += [spacer, node.tail or ""]
    return "".join(parts)


def _clean(text: str, headline: str) -> str | None:
    """The caption in normal form with its credit cut off, or None when nothing of a
    caption is left."""
    text = normalize_text(text)
    credit = CREDIT_START.search(text)
    if credit:
        text = text[:credit.start()].rstrip(_TRAILING)
    if not text or is_boilerplate(text) or text.casefold() == headline.casefold():
        return None
    return text


def _caption_of(img, region, headline: str) -> str | None:
    node = img
    for _ in range(_LEVELS):
        parent = node.getparent()
        if parent is None or sum(1 for _ in parent.iter("img")) > 1:
            break  # beside a group of images a caption is the group's, no one image's
        for sibling in (node.getnext(), node.getprevious()):
            if (sibling is not None and isinstance(sibling.tag, str) and _is_caption(sibling)
                    and next(sibling.iter("img"), None) is None
                    and (caption := _clean(_text_without_credits(sibling), headline))):
                return caption
        if parent is region:
            break
        node = parent
    link = img.getparent() if img.getparent() is not None and img.getparent().tag == "a" else None
    for element in (img, link):
        for attribute in _ATTRIBUTES if element is not None else ():
            # A one-word title is a file's or a tooltip's name, no caption.
            value = normalize_text(element.get(attribute) or "")
            if len(value.split()) > 1 and (caption := _clean(value, headline)):
                return caption
    return None


def find_captions(region, base_url: str, headline: str) -> dict[str, str]:
    """Image URL (as `collect_images` gives it) -> its caption, for the images that have one."""
    captions: dict[str, str] = {}
    for url, img, _ in content_images(region, base_url):
        if url not in captions and (caption := _caption_of(img, region, normalize_text(headline))):
            captions[url] = caption
    return captions
