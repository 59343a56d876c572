"""Word-form search: a full-text index of stems, and queries stemmed the same way.

`items_fts` holds the words as printed (SQL users keep it); `items_search` holds each
item's title, summary and body as stems, in the column of the item's language, so that a
query word is matched against Russian text with its Russian stem and against Kazakh
text with its Kazakh stem, never the other way round. Cyrillic words are stemmed with
Snowball's Russian stemmer (ru and en items) or storage/kazakh.py (kk items); Latin
words with Porter's, as sqlite-utils' `porter` tokenizer does.

The index is written from Python (the stemmers live here, not in SQLite), in the same
transaction as the row: items.py on every save, deferred_index.py for a batch, and
`ensure_search_index` for a database that predates it.
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from sqlite_utils import Database

from . import kazakh

TABLE = "items_search"
COLUMNS = ("ru", "kk", "en")
# unicode61 splits at anything but letters and digits; so do we, so that the index and
# the query agree on what a word is.
WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
FUNCTION = "pmkz_stems"
# What a reader's connection sets: a common word's search reads tens of thousands of item
# rows (the count Datasette shows), and through a memory map that costs half of what
# read() calls do (`pmkz bench --search`). Address space only, not memory.
READER_PRAGMAS = ("PRAGMA mmap_size = 1073741824",)

_russian = Stemmer.Stemmer("russian")
_porter = Stemmer.Stemmer("porter")


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """The stem of one word (any case) as an item in `lang` is indexed."""
    word = word.lower().replace("ё", "е")
    if not CYRILLIC.search(word):
        return _porter.stemWord(word)
    if lang == "kk":
        return kazakh.stem(word)
    return _russian.stemWord(word)


def column_of(lang: str | None) -> str:
    return lang if lang in COLUMNS else "ru"


def stems(text: str | None, lang: str | None) -> str:
    return " ".join(stem(word, column_of(lang)) for word in WORD.findall(text or ""))


def _stems_for(lang, column, *texts):
    """SQL function: the item's stemmed text if `column` is its language's, else ''."""
    if column_of(lang) != column:
        return ""
    return "\n".join(stems(text, lang) for text in texts if text)


def register(db: Database) -> None:
    db.conn.create_function(FUNCTION, 5, _stems_for, deterministic=True)


def ensure_search_index(db: Database) -> None:
    """Create the stem index if missing and index every row it lacks (a database from
    before it, or rows written by something other than the Store)."""
    register(db)
    if not db[TABLE].exists():
        db.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)})")
    (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    (indexed,) = db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    if items != indexed:
        with db.atomic():
            index_where(db, f"rowid NOT IN (SELECT rowid FROM {TABLE})", [])


def index_where(db: Database, where: str, params: list) -> None:
    """Index the items rows matching `where` (which must not be indexed yet)."""
    values = ", ".join(f"{FUNCTION}(lang, '{c}', title, summary, body)" for c in COLUMNS)
    db.execute(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
               f"SELECT rowid, {values} FROM items WHERE {where}", params)


def reindex(db: Database, rowid: int) -> None:
    """The row's text changed (or it is new): replace its entry."""
    db.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", [rowid])
    index_where(db, "rowid = ?", [rowid])


# Queries ---------------------------------------------------------------------------

OPERATORS = ("OR", "AND", "NOT")
QUERY_TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')


def _quoted(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


def _term(words: list[str], prefix: bool) -> str:
    """One query word or phrase as an FTS5 expression over the stem columns."""
    lowered = [w.lower().replace("ё", "е") for w in words]
    if prefix:
        # The prefix is matched against stems as typed: `правительств*` finds the stem
        # `правительств`, and a prefix shorter than the stems finds them all.
        return _quoted(lowered) + "*"
    by_column = {}
    for column in COLUMNS:
        forms = {_quoted([stem(w, column) for w in lowered])}
        if len(lowered) == 1:
            # The word as typed, as a stem too: Snowball stems `Бектенов` to `бектен`
            # but `Бектенова` to `бектенов`, so the query asks for both.
            forms.add(_quoted(lowered))
        by_column.setdefault(tuple(sorted(forms)), []).append(column)
    if len(by_column) == 1:
        (forms,) = by_column
        return _any(forms)
    parts = [f"{{{' '.join(columns)}}} : {_any(forms)}" for forms, columns in by_column.items()]
    return "(" + " OR ".join(parts) + ")"


def _any(forms: tuple[str, ...]) -> str:
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


def parse_query(text: str) -> list[tuple[str, str]]:
    """The search box's text as (kind, value) tokens: ('op', 'OR'), ('(' / ')'), or
    ('term', FTS5 expression). Unquoted words joined by punctuation
    (`премьер-министр`) are a phrase, as unicode61 splits them."""
    tokens: list[tuple[str, str]] = []
    for raw in QUERY_TOKEN.findall(text or ""):
        if raw in OPERATORS:
            tokens.append(("op", raw))
        elif raw in "()":
            tokens.append((raw, raw))
        else:
            negate = raw.startswith("-") and len(raw) > 1
            if negate:
                raw = raw[1:]
            prefix = raw.endswith("*") and not raw.startswith('"')
            words = WORD.findall(raw.strip('"*'))
            if not words:
                continue
            if negate:
                tokens.append(("op", "NOT"))
            tokens.append(("term", _term(words, prefix and len(words) == 1)))
    return tokens


def fts_query(text: str) -> str | None:
    """The FTS5 query for `text` over items_search, always valid FTS5 syntax; None when
    it holds no word. Operators in the wrong place are dropped; unbalanced
    parentheses are ignored."""
    tokens = parse_query(text)
    depth, balanced = 0, True
    for kind, _ in tokens:
        depth += {"(": 1, ")": -1}.get(kind, 0)
        balanced = balanced and depth >= 0
    if depth or not balanced:
        tokens = [t for t in tokens if t[0] not in "()"]
    out: list[tuple[str, str]] = []
    excluded: list[str] = []  # `-word` or `NOT word` with nothing before it
    pending_not = False
    for kind, value in tokens:
        previous = out[-1][0] if out else None
        if pending_not:
            pending_not = False
            if kind == "term":
                excluded.append(value)
                continue
        if kind == "op":
            if previous in ("term", ")"):
                out.append((kind, value))
            elif value == "NOT" and previous is None:
                pending_not = True
        elif kind == ")":
            while out and out[-1][0] in ("op", "("):
                dropped = out.pop()
                if dropped[0] == "(":
                    break
            else:
                out.append((kind, value))
        else:
            if previous in ("term", ")"):
                # Explicit: FTS5 (3.40) refuses two parenthesised groups side by side,
                # which every two-word query over the stem columns is.
                out.append(("op", "AND"))
            out.append((kind, value))
    while out and out[-1][0] in ("op", "("):
        out.pop()
    if not any(kind == "term" for kind, _ in out):
        return None
    query = " ".join(value for _, value in out)
    for value in excluded:
        query = f"({query}) NOT {value}"
    return query


def prefixes_to_try(text: str, min_length: int = 4) -> list[list[str]]:
    """For a search with no hits: per word, its ever shorter prefixes as FTS5 prefix
    queries, longest first; the reader is offered the first that finds something."""
    return [[f'"{word[:cut]}"*' for cut in range(len(word) - 1, min_length - 1, -1)]
            for word in (w.lower().replace("ё", "е") for w in WORD.findall(text or ""))
            if len(word) > min_length]
