"""The markup noise of a real CMS, applied to text so that it normalises back exactly.

Every change here keeps the body normal form (ARCHITECTURE.md) of the text intact: a
single space may become `&nbsp;`, `<br>` or a newline with indentation; whole words may be
wrapped in inline tags; a paragraph may sit in nested spans; empty paragraphs come in
between. An opening quotation mark goes into markup of its own, as on the seed page:
the markup whose text an extractor that inserts separators between elements breaks.
"""
from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

from markupsafe import Markup

SEPARATORS = (" ", "&nbsp;", "<br>", "\n\t\t\t", " &nbsp;")
SEPARATOR_WEIGHTS = (86, 6, 2, 5, 1)
OPENING_QUOTES = "\"«“„"
EMPTY_PARAGRAPHS = ("<p>&nbsp;</p>", "<p></p>", "<p><br></p>", "<p>\n</p>")
PARAGRAPH_TAGS = ('<p>', '<p style="text-align: justify;">', '<p class="MsoNormal">', '<p dir="ltr">')
SPANS = ('<span style="font-size: 14pt;">', '<span lang="{lang}">', '<span style="font-family: Arial, sans-serif;">')

# The markup is built as plain strings and made Markup once per paragraph: a Markup per
# word made rendering an article page most of the replica's work. The draws from `r` are
# those `r.choices(SEPARATORS, SEPARATOR_WEIGHTS)` makes, so the pages stay the same.
_CUMULATIVE = list(accumulate(SEPARATOR_WEIGHTS))
_TOTAL = _CUMULATIVE[-1] + 0.0
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def _escape(text: str) -> str:
    """As markupsafe.escape, to a plain string."""
    return text.translate(_ESCAPES)


def _join(words: list[str], r: random.Random) -> str:
    out = [words[0]]
    for word in words[1:]:
        out.append(SEPARATORS[bisect(_CUMULATIVE, r.random() * _TOTAL, 0, len(SEPARATORS) - 1)])
        out.append(word)
    return "".join(out)


def _inline(words: list[str], r: random.Random, links: list[str]) -> str:
    """The words, some runs of them wrapped in <strong>, <em>, <b>, <span> or a link."""
    groups = []
    i = 0
    while i < len(words):
        size = r.randint(1, 3) if r.random() < 0.07 else 1
        run = _join([_escape(w) for w in words[i:i + size]], r)
        if size > 1 or r.random() < 0.03:
            tag = r.choice(("strong", "em", "b", "span", "a"))
            if tag == "a":
                run = f'<a href="{_escape(r.choice(links))}">{run}</a>'
            else:
                run = f"<{tag}>{run}</{tag}>"
        groups.append(run)
        i += size
    return _join(groups, r)


def paragraph(text: str, r: random.Random, lang: str, links: list[str]) -> Markup:
    """One body paragraph as a CMS would store it."""
    words = text.split(" ")
    quote = ""
    if words[0][:1] in OPENING_QUOTES and len(words[0]) > 1:
        quote = f'<span class="quote">{_escape(words[0][0])}</span>'
        words[0] = words[0][1:]
    inner = quote + _inline(words, r, links)
    for _ in range(r.choices((0, 1, 2), (6, 3, 1))[0]):
        inner = r.choice(SPANS).format(lang=lang) + inner + "</span>"
    pad = r.choice(("", "", "\n\t\t", " "))
    return Markup(r.choice(PARAGRAPH_TAGS) + pad + inner + pad + "</p>")


def empty_paragraph(r: random.Random) -> Markup | None:
    """Now and then an empty paragraph, the spacer editors leave between paragraphs."""
    return Markup(r.choice(EMPTY_PARAGRAPHS)) if r.random() < 0.3 else None


def headline(text: str, r: random.Random) -> Markup:
    """A headline with padding and a no-break space or two, as CMS titles often have."""
    words = [_escape(w) for w in text.split(" ")]
    return Markup("\n\t\t" + _join(words, r) + r.choice(("", " ", "\n\t")))
