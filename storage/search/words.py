"""Words as the stem index holds them, and as a query asks for them.

Cyrillic words are stemmed with Snowball's Russian stemmer in ru and en items and with
kazakh.py in kk items; Latin words with Porter's, as sqlite-utils' `porter` tokenizer
does. A Kazakh stem is indexed with a mark before it (`ǂүкімет`), as Xapian prefixes its
stemmed terms, so that a query word stemmed the Kazakh way finds Kazakh items only:
Kazakh `вода` -> `во` must not find the Russian preposition.
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from . import kazakh

TABLE = "items_search"
EXACT_TABLE = "items_fts"  # the words as printed (storage/schema.py)
COLUMNS = ("title", "summary", "body")
# Before the mark, the index had a column per language, which ?_search_<column> could
# not name; ensure_search_index rebuilds that layout in place.
KAZAKH_MARK = "\u01c2"  # ǂ: a letter to unicode61, and in no Kazakh or Russian word
# The two stemmings of Cyrillic words: Kazakh items' and everything else's.
STEMMINGS = ("ru", "kk")
# unicode61 splits at anything but letters and digits; so do we, so that the index and
# the query agree on what a word is.
WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_russian = Stemmer.Stemmer("russian")
_porter = Stemmer.Stemmer("porter")


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str | None) -> str:
    """The stem of one word (any case) as an item in `lang` is indexed."""
    word = fold(word)
    if not CYRILLIC.search(word):
        return _porter.stemWord(word)
    if lang == "kk":
        return KAZAKH_MARK + kazakh.stem(word)
    return _russian.stemWord(word)


def as_kazakh(word: str) -> str:
    """A word (folded) as typed, in the form Kazakh items index their stems."""
    return KAZAKH_MARK + word if CYRILLIC.search(word) else word


def stems(text: str | None, lang: str | None) -> str:
    return " ".join(stem(word, lang) for word in WORD.findall(text or ""))
