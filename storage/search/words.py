"""Words as the stem index holds them, and as a query asks for them.

Cyrillic words in ru and en items are indexed as their dictionary forms (pymorphy3's
lemmas of every reading of the word: `рынка` -> рынок, `шёл` -> идти, `стали` -> стать
and сталь), so that any form finds every form and unrelated words that share a Snowball
stem do not; a word no dictionary knows (a name, a new word) as its Snowball stem.
Cyrillic words in kk items are stemmed with kazakh.py; Latin words with Porter's, as
sqlite-utils' `porter` tokenizer does. A Kazakh stem is indexed with a mark before it (`ǂүкімет`), as Xapian prefixes its
stemmed terms, so that a query word stemmed the Kazakh way finds Kazakh items only:
Kazakh `вода` -> `во` must not find the Russian preposition.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3
import Stemmer

from . import kazakh

TABLE = "items_search"
EXACT_TABLE = "items_fts"  # the words as printed (storage/schema.py)
# An item's attached files and their words as printed (storage/attachments.py).
ATTACHMENTS_TABLE = "attachments"
ATTACHMENTS_FTS = "attachments_fts"
COLUMNS = ("title", "summary", "body")
# The stem index's columns: the item's own, then its attached files' text (searched with
# the rest, not by column: items have no such column to name).
SEARCH_COLUMNS = (*COLUMNS, "attachments")
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


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    # Loaded on the first Russian word, not at import: most commands never search.
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def readings(word: str, lang: str | None) -> tuple[str, ...]:
    """The terms one word (any case) is indexed as in an item in `lang`, the likeliest
    first: its lemmas if a dictionary knows it, else its one stem."""
    word = fold(word)
    if not CYRILLIC.search(word):
        return (plain_stem(word, lang),)
    if lang == "kk":
        return (KAZAKH_MARK + plain_stem(word, lang),)
    # pymorphy3 guesses a lemma for any word; a guess is no better than the stem and
    # splits a name's forms (`Бектенова` -> бектеновый), so only its dictionary's count.
    lemmas = dict.fromkeys(fold(p.normal_form) for p in _morph().parse(word) if p.is_known)
    return tuple(lemmas) or (plain_stem(word, lang),)


def plain_stem(word: str, lang: str | None) -> str:
    """The stem of a folded word as indexed without a dictionary: Porter's for Latin
    script; in Cyrillic, the Kazakh stemmer's (without the mark) in kk items, else
    Snowball's (a Russian word no dictionary knows)."""
    if not CYRILLIC.search(word):
        return _porter.stemWord(word)
    return kazakh.stem(word) if lang == "kk" else _russian.stemWord(word)


@lru_cache(maxsize=1000)
def lexeme(word: str) -> frozenset[str]:
    """Every form (folded) of every lexeme the dictionary reads a folded Cyrillic word
    as: the printed words indexed under its lemmas. Empty for a word it does not know."""
    return frozenset(fold(form.word) for parse in _morph().parse(word) if parse.is_known
                     for form in parse.lexeme)


def stem(word: str, lang: str | None) -> str:
    """The likeliest term of one word (any case) as an item in `lang` indexes it."""
    return readings(word, lang)[0]


def as_kazakh(word: str) -> str:
    """A word (folded) as typed, in the form Kazakh items index their stems."""
    return KAZAKH_MARK + word if CYRILLIC.search(word) else word


def stems(text: str | None, lang: str | None) -> str:
    """The text as the index holds it: each word's likeliest term in its place, so that
    phrases keep their positions, and the other readings of ambiguous words after all
    of them, where a one-word search finds them."""
    words = [readings(word, lang) for word in WORD.findall(text or "")]
    others = dict.fromkeys(term for terms in words for term in terms[1:])
    return " ".join([terms[0] for terms in words] + list(others))
