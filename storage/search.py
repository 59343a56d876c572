"""Word-form search: a full-text index of stems, and queries stemmed the same way.

`items_search` holds each item's title, summary and body as stems, in columns named as
the items' own (and as items_fts's, which holds the words as printed), so Datasette's
`?_search_title=` works as its users expect. Cyrillic words are stemmed with Snowball's
Russian stemmer in ru and en items and with storage/kazakh.py in kk items; Latin words
with Porter's, as sqlite-utils' `porter` tokenizer does. A Kazakh stem is indexed with a
mark before it (`ǂүкімет`), as Xapian prefixes its stemmed terms, so that a query word
stemmed the Kazakh way finds Kazakh items only: Kazakh `вода` -> `во` must not find the
Russian preposition. A query word is asked for in both stemmings, and as typed.

A query in "quotes" is an exact phrase, the words as printed: it is looked up in
items_fts, the rest of the query in items_search, and the two combined by SQL.

The index is written from Python (the stemmers live here, not in SQLite), in the same
transaction as the row: items.py on every save, deferred_index.py for a batch, and
`ensure_search_index` for a database that predates it (or its earlier layout).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from sqlite_utils import Database

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
FUNCTION = "pmkz_stems"
# What a reader's connection sets: a common word's search reads tens of thousands of item
# rows (the count Datasette shows), and through a memory map that costs half of what
# read() calls do (`pmkz bench --search`). Address space only, not memory.
READER_PRAGMAS = ("PRAGMA mmap_size = 1073741824",)

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


def register(db: Database) -> None:
    # pmkz_stems(lang, text): the text as the index holds it.
    db.conn.create_function(FUNCTION, 2, lambda lang, text: stems(text, lang), deterministic=True)


def ensure_search_index(db: Database) -> None:
    """Create the stem index if missing (or in its earlier layout) and index every row it
    lacks (a database from before it, or rows written by something other than the Store)."""
    register(db)
    if index_is_current(db):
        return
    if db[TABLE].exists() and tuple(c.name for c in db[TABLE].columns) != COLUMNS:
        db.execute(f"DROP TABLE {TABLE}")
    if not db[TABLE].exists():
        db.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)})")
    if not index_is_current(db):
        with db.atomic():
            index_where(db, f"rowid NOT IN (SELECT rowid FROM {TABLE})", [])


def index_is_current(db: Database) -> bool:
    """Whether the stem index is there, in this layout, with a row for every item: what
    `ensure_search_index` makes (readers check before searching an archive)."""
    if not db[TABLE].exists() or tuple(c.name for c in db[TABLE].columns) != COLUMNS:
        return False
    (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    # Its shadow table of row sizes: a b-tree count, where count(*) on the FTS5 table
    # reads the whole index (every open of the Store asks).
    (indexed,) = db.execute(f"SELECT count(*) FROM {TABLE}_docsize").fetchone()
    return items == indexed


def index_where(db: Database, where: str, params: list) -> None:
    """Index the items rows matching `where` (which must not be indexed yet)."""
    values = ", ".join(f"{FUNCTION}(lang, {c})" for c in COLUMNS)
    db.execute(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
               f"SELECT rowid, {values} FROM items WHERE {where}", params)


def reindex(db: Database, rowid: int) -> None:
    """The row's text changed (or it is new): replace its entry."""
    db.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", [rowid])
    index_where(db, "rowid = ?", [rowid])


# Queries ---------------------------------------------------------------------------

# What one search may ask, so that its cost is bounded whoever types it (the public
# server's search box, a saved search run after every crawl). The length bounds the
# stemming and the no-hits suggestions; each word, phrase or prefix is a MATCH of up to
# four forms and, beside an exact phrase, a member of a compound SELECT; each level of
# parentheses nests that SELECT (and the Python that builds it) deeper. Generous for
# anything a person types; far under what SQLite's and FTS5's parser stacks hold.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_NESTING = 8


class QueryTooLarge(ValueError):
    """A search over one of the limits above; its message is one line for the reader."""


OPERATORS = ("OR", "AND", "NOT")
QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\(|\)|[^\s()"]+')
SET_OPERATION = {"AND": "INTERSECT", "OR": "UNION", "NOT": "EXCEPT"}


def _quoted(words) -> str:
    return '"' + " ".join(words) + '"'


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query: stemmed, a prefix (`word*`), or exact ("quoted")."""
    words: tuple[str, ...]
    prefix: bool = False
    exact: bool = False

    def stemmed(self, shown: bool = False) -> str:
        """FTS5 over items_search: every form of the words (for an exact phrase too: a
        superset of what it finds, which SQL then narrows). `shown`: for people, the
        stems without quotes or the Kazakh mark (`вод | вода | во`)."""
        forms = self._forms()
        if shown:
            forms = dict.fromkeys(f.replace(KAZAKH_MARK, "").replace('"', "") for f in forms)
            if self.exact:
                return f'"{" ".join(self.words)}"'
            return next(iter(forms)) if len(forms) == 1 else "(" + " | ".join(forms) + ")"
        return _any(forms)

    def _forms(self) -> list[str]:
        folded = [fold(w) for w in self.words]
        if self.prefix:
            # The prefix is matched against stems as typed: `правительств*` finds the
            # stem `правительств`, and a prefix shorter than the stems finds them all.
            return [_quoted(words) + "*" for words in (folded, [as_kazakh(w) for w in folded])]
        forms = [_quoted(stem(w, lang) for w in folded) for lang in STEMMINGS]
        if len(folded) == 1:
            # The word as typed, as a stem too: Snowball stems `Бектенов` to `бектен`
            # but `Бектенова` to `бектенов`, so the query asks for both.
            forms += [_quoted(folded), _quoted([as_kazakh(folded[0])])]
        return forms

    def printed(self) -> str:
        """FTS5 over items_fts: the words as printed (its tokenizer folds case)."""
        return _quoted(self.words)


def _any(forms) -> str:
    forms = sorted(set(forms))
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


@dataclass(frozen=True)
class Query:
    """A search-box query. `fts` runs over items_search (limited to `column` if given),
    as Datasette's own search filter runs it; `exact`, when the query holds a quoted
    phrase, is SQL for the rowids the whole query finds (its phrases as printed), which
    narrows `fts`'s: `rowid IN (exact)`. `shown` is `fts` for people."""
    fts: str
    exact: tuple[str, list] | None
    column: str | None
    shown: str

    def rowids(self) -> tuple[str, list]:
        """SQL selecting the rowids of the items the query finds, and its params."""
        if self.exact is not None:
            # The whole query already. Not `MATCH ? AND rowid IN (exact)`: FTS5 would
            # evaluate the MATCH once per rowid (seconds on 100,000 items).
            return self.exact
        return f"SELECT rowid FROM {TABLE} WHERE {self.column or TABLE} MATCH ?", [self.fts]


def parse_query(text: str) -> list[tuple[str, object]]:
    """The search box's text as (kind, value) tokens: ('op', 'OR'), ('(' / ')'), or
    ('term', Term). Unquoted words joined by punctuation (`премьер-министр`) are a
    phrase, as unicode61 splits them."""
    tokens: list[tuple[str, object]] = []
    for raw in QUERY_TOKEN.findall(text or ""):
        if raw in OPERATORS:
            tokens.append(("op", raw))
        elif raw in "()":
            tokens.append((raw, raw))
        else:
            negate = raw.startswith("-") and len(raw) > 1
            if negate:
                raw = raw[1:]
            exact = raw.startswith('"')
            prefix = raw.endswith("*") and not exact
            words = tuple(WORD.findall(raw.strip('"*')))
            if not words:
                continue
            if negate:
                tokens.append(("op", "NOT"))
            tokens.append(("term", Term(words, prefix=prefix and len(words) == 1, exact=exact)))
    return tokens


def _clean(tokens: list) -> tuple[list, list]:
    """The tokens as a valid query: operators in the wrong place dropped, unbalanced
    parentheses ignored, AND written between neighbours; and the terms excluded with
    nothing before them (`-word`, `NOT word` first)."""
    depth, balanced = 0, True
    for kind, _ in tokens:
        depth += {"(": 1, ")": -1}.get(kind, 0)
        balanced = balanced and depth >= 0
    if depth or not balanced:
        tokens = [t for t in tokens if t[0] not in "()"]
    out: list = []
    excluded: list = []
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
                out.append(("op", "AND"))
            out.append((kind, value))
    while out and out[-1][0] in ("op", "("):
        out.pop()
    return out, excluded


def _tree(tokens: list):
    """Clean tokens as a tree of ('term', Term) and (operator, left, right), with FTS5's
    precedence: NOT binds tighter than AND, AND than OR."""
    position = 0

    def peek(value):
        return position < len(tokens) and tokens[position] == ("op", value)

    def level(operator, below):
        def parse():
            nonlocal position
            node = below()
            while peek(operator):
                position += 1
                node = (operator, node, below())
            return node
        return parse

    def primary():
        nonlocal position
        kind, value = tokens[position]
        position += 1
        if kind == "(":
            node = any_of()
            position += 1  # its ")"
            return node
        return ("term", value)

    any_of = level("OR", level("AND", level("NOT", primary)))
    return any_of()


def _has_exact(node) -> bool:
    return node[1].exact if node[0] == "term" else _has_exact(node[1]) or _has_exact(node[2])


def _fts(node, shown: bool = False) -> str:
    """FTS5 over items_search, finding all the query finds (more, with exact phrases)."""
    if node[0] == "term":
        return node[1].stemmed(shown)
    operator, left, right = node
    if operator == "NOT" and _has_exact(right) and not shown:
        # Excluding every form would exclude more than the phrase: leave it to SQL.
        return _fts(left, shown)
    return f"({_fts(left, shown)} {operator} {_fts(right, shown)})"


def _sql(node, column: str | None) -> tuple[str, list]:
    """The rowids the query finds (column `id`): stemmed terms from items_search, exact
    phrases from items_fts, combined with INTERSECT, UNION and EXCEPT. SQLite applies
    compound operators left to right, so only a right operand is nested: a chain of
    terms stays flat, where nesting each one overflowed SQLite's parser stack within
    fifteen terms."""
    if node[0] == "term":
        term = node[1]
        table, match = (EXACT_TABLE, term.printed()) if term.exact else (TABLE, term.stemmed())
        return f"SELECT rowid AS id FROM {table} WHERE {column or table} MATCH ?", [match]
    operator, left, right = node
    (left_sql, left_params), (right_sql, right_params) = _sql(left, column), _sql(right, column)
    if right[0] != "term":
        right_sql = f"SELECT id FROM ({right_sql})"
    return f"{left_sql} {SET_OPERATION[operator]} {right_sql}", left_params + right_params


def compile_query(text: str, column: str | None = None) -> Query | None:
    """The search box's text as a Query (None when it holds no word); `column` limits
    it to one of COLUMNS, as `?_search_title=` does. Never invalid FTS5; QueryTooLarge
    for a search over the limits."""
    if column is not None and column not in COLUMNS:
        raise ValueError(f"cannot search by {column!r}; choose one of {', '.join(COLUMNS)}")
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLarge(f"a search may be at most {MAX_QUERY_CHARS:,} characters long;"
                            f" this one has {len(text):,}")
    tokens, excluded = _clean(parse_query(text))
    terms = len(excluded) + sum(kind == "term" for kind, _ in tokens)
    if terms > MAX_TERMS:
        raise QueryTooLarge(f"a search may hold at most {MAX_TERMS} words, phrases and prefixes;"
                            f" this one has {terms}")
    nesting = _nesting(tokens)
    if nesting > MAX_NESTING:
        raise QueryTooLarge(f"a search may nest parentheses at most {MAX_NESTING} deep;"
                            f" this one nests them {nesting} deep")
    if not any(kind == "term" for kind, _ in tokens):
        return None  # nothing to find (or only what to leave out)
    tree = _tree(tokens)
    for term in excluded:
        tree = ("NOT", tree, ("term", term))
    return Query(_fts(tree), _sql(tree, column) if _has_exact(tree) else None, column,
                 _fts(tree, shown=True))


def _nesting(tokens: list) -> int:
    depth = deepest = 0
    for kind, _ in tokens:
        depth += {"(": 1, ")": -1}.get(kind, 0)
        deepest = max(deepest, depth)
    return deepest


def matching(text: str, column: str | None = None) -> tuple[str, list] | None:
    """SQL selecting the rowids of the items `text` finds, and its params; None when it
    holds no word."""
    query = compile_query(text, column)
    return query.rowids() if query else None


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
