"""The markup noise of a real CMS, applied to text so that it normalises back exactly.

Every change here keeps the body normal form (ARCHITECTURE.md) of the text intact: a
single space may become `&nbsp;`, `<br>` or a newline with indentation; whole words may be
wrapped in inline tags; a paragraph may sit in nested spans; empty paragraphs come in
between. An opening quotation mark goes into markup of its own, as on the seed page:
the markup whose text an extractor that inserts separators between elements breaks.
"""
from __future__ import annotations

import random

from markupsafe import Markup, escape

SEPARATORS = (" ", "&nbsp;", "<br>", "\n\t\t\t", " &nbsp;")
SEPARATOR_WEIGHTS = (86, 6, 2, 5, 1)
OPENING_QUOTES = "\"«“„"
EMPTY_PARAGRAPHS = ("<p>&nbsp;</p>", "<p></p>", "<p><br></p>", "<p>\n</p>")
PARAGRAPH_TAGS = ('<p>', '<p style="text-align: justify;">', '<p class="MsoNormal">', '<p dir="ltr">')
SPANS = ('<span style="font-size: 14pt;">', '<span lang="{lang}">', '<span style="font-family: Arial, sans-serif;">')


def _join(words: list[Markup], r: random.Random) -> Markup:
    out = [words[0]]
    for word in words[1:]:
        out.append(Markup(r.choices(SEPARATORS, SEPARATOR_WEIGHTS)[0]))
        out.append(word)
    return Markup("").join(out)


def _inline(words: list[str], r: random.Random, links: list[str]) -> Markup:
    """The words, some runs of them wrapped in <strong>, <em>, <b>, <span> or a link."""
    groups = []
    i = 0
    while i < len(words):
        size = r.randint(1, 3) if r.random() < 0.07 else 1
        run = _join([escape(w) for w in words[i:i + size]], r)
        if size > 1 or r.random() < 0.03:
            tag = r.choice(("strong", "em", "b", "span", "a"))
            if tag == "a":
                run = Markup('<a href="{}">').format(r.choice(links)) + run + Markup("</a>")
            else:
                run = Markup(f"<{tag}>") + run + Markup(f"</{tag}>")
        groups.append(run)
        i += size
    return _join(groups, r)


def paragraph(text: str, r: random.Random, lang: str, links: list[str]) -> Markup:
    """One body paragraph as a CMS would store it."""
    words = text.split(" ")
    quote = Markup("")
    if words[0][:1] in OPENING_QUOTES and len(words[0]) > 1:
        quote = Markup('<span class="quote">{}</span>').format(words[0][0])
        words[0] = words[0][1:]
    inner = quote + _inline(words, r, links)
    for _ in range(r.choices((0, 1, 2), (6, 3, 1))[0]):
        inner = Markup(r.choice(SPANS).format(lang=lang)) + inner + Markup("</span>")
    pad = Markup(r.choice(("", "", "\n\t\t", " ")))
    return Markup(r.choice(PARAGRAPH_TAGS)) + pad + inner + pad + Markup("</p>")


def empty_paragraph(r: random.Random) -> Markup | None:
    """Now and then an empty paragraph, the spacer editors leave between paragraphs."""
    return Markup(r.choice(EMPTY_PARAGRAPHS)) if r.random() < 0.3 else None


def headline(text: str, r: random.Random) -> Markup:
    """A headline with padding and a no-break space or two, as CMS titles often have."""
    words = [escape(w) for w in text.split(" ")]
    return Markup("\n\t\t") + _join(words, r) + Markup(r.choice(("", " ", "\n\t")))
