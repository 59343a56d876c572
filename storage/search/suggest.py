"""For a search with no hits: the longest prefixes of its words that some stem begins with."""
from __future__ import annotations

import unicodedata

from .words import TABLE, WORD, as_kazakh, fold

# The stem index's terms, for the no-hits suggestions: finding the first term at or
# after a prefix is one seek, which reads that term's list of items (fts5vocab counts
# them), not the whole index.
TERMS_TABLE = f"temp.{TABLE}_terms"
# The no-hits suggestions are for the first words of a search: a few seeks each.
SUGGESTED_WORDS = 3


def suggest_prefixes(conn, text: str, min_length: int = 4) -> list[str]:
    """For a search with no hits: per word longer than `min_length` (of the first
    SUGGESTED_WORDS), the longest prefix as typed (`правительств*`), shorter than the
    word and at least `min_length` long, that some item's stem begins with. Found by
    bisection, since a prefix that a stem begins with has every shorter one too: a word
    costs a seek per halving of its length, where asking the index prefix by prefix
    cost a query per character."""
    words = [w for w in dict.fromkeys(fold(w) for w in WORD.findall(text or "")) if len(w) > min_length]
    if not words:
        return []
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TABLE} USING fts5vocab(main, {TABLE}, row)")
    suggested = []
    for word in words[:SUGGESTED_WORDS]:
        # The word as Kazakh items index it has the mark before it.
        longest = max(_longest_prefix(conn, _tokenized(form), len(form) - len(word), min_length, len(word) - 1)
                      for form in dict.fromkeys((word, as_kazakh(word))))
        if longest:
            suggested.append(f"{word[:longest]}*")
    return suggested


def _longest_prefix(conn, form: str, mark: int, shortest: int, longest: int) -> int:
    """The most characters (from `shortest` to `longest`, after `mark` characters of
    mark) that begin a term of the index, or 0."""
    found = 0
    while shortest <= longest:
        middle = (shortest + longest) // 2
        prefix = form[:mark + middle]
        row = conn.execute(f"SELECT term FROM {TERMS_TABLE} WHERE term >= ? LIMIT 1", [prefix]).fetchone()
        if row and row[0].startswith(prefix):
            found, shortest = middle, middle + 1
        else:
            longest = middle - 1
    return found


def _tokenized(prefix: str) -> str:
    """The prefix as FTS5's unicode61 tokenizer stores a term: Latin letters without
    their diacritics (`café` is `cafe`), other scripts as they are."""
    return "".join(unicodedata.normalize("NFD", c)[0] if "LATIN" in unicodedata.name(c, "") else c
                   for c in prefix)
