"""Word-form search over the archive's items.

words.py    what a word is, and its lemmas or stem as an item of each language indexes it
            (kazakh.py: the Kazakh stemmer, and Kazakh typed in Latin letters read as Cyrillic)
index.py    the lemma and stem index beside items_fts, written with each item
query.py    the search box's text as SQL over the indexes, within bounded limits
suggest.py  the prefixes offered when a search finds nothing
snippets.py a hit's text around the words the search matched, those in <mark>

The names other parts use are importable from here (`from pmkz.storage import search`).
"""
from .index import ensure_search_index, index_is_current
from .query import MAX_NESTING, MAX_QUERY_CHARS, MAX_TERMS, READER_PRAGMAS, QueryTooLarge, compile_query, matching
from .suggest import SUGGESTED_WORDS, suggest_prefixes
from .words import COLUMNS, TABLE, WORD

__all__ = ["COLUMNS", "MAX_NESTING", "MAX_QUERY_CHARS", "MAX_TERMS", "READER_PRAGMAS", "SUGGESTED_WORDS", "TABLE",
           "WORD", "QueryTooLarge", "compile_query", "ensure_search_index", "index_is_current", "matching",
           "suggest_prefixes"]
