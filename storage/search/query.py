"""The search box's text as SQL over the indexes: word forms (the stem index), "exact
phrases" (the words as printed), `prefix*`, OR, NOT, parentheses; and the limits that
bound what one search may cost, whoever types it.

A query in "quotes" is an exact phrase, the words as printed: it is looked up in
items_fts and in the items' attached files (attachments_fts), the rest of the query in
items_search (which holds the files' text too), and the two combined by SQL. A query
word is asked for in both stemmings, and as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import kazakh
from .words import (ATTACHMENTS_FTS, ATTACHMENTS_TABLE, COLUMNS, EXACT_TABLE, KAZAKH_MARK, STEMMINGS, TABLE, WORD,
                    as_kazakh, fold, readings, stem)

# What a reader's connection sets: a common word's search reads tens of thousands of item
# rows (the count Datasette shows), and through a memory map that costs half of what
# read() calls do (`pmkz bench --search`). Address space only, not memory.
READER_PRAGMAS = ("PRAGMA mmap_size = 1073741824",)


# What one search may ask, so that its cost is bounded whoever types it (the public
# server's search box, a saved search run after every crawl). The length bounds the
# stemming and the no-hits suggestions; each word, phrase or prefix is a MATCH of a few
# forms (a word's readings in both stemmings, and as typed) and, beside an exact phrase,
# a member of a compound SELECT; each level of parentheses nests that SELECT (and the Python that builds it) deeper. Generous for
# anything a person types; far under what SQLite's and FTS5's parser stacks hold.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_NESTING = 8
# The printed words a prefix is looked up as, at most (each adds its lemmas to the MATCH).
PRINTED_WORDS = 200
PRINTED_TERMS_TABLE = f"temp.{EXACT_TABLE}_terms"
# Most relevant first: bm25 over the lemma and stem index, a word in the headline
# weighing as much as ten in the body and a word in the teaser as three; the attached
# files' text is the decision's body.
RANK = f"bm25({TABLE}, 10.0, 3.0, 1.0, 1.0)"


class QueryTooLarge(ValueError):
    """A search over one of the limits above; its message is one line for the reader."""


OPERATORS = ("OR", "AND", "NOT")
QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\(|\)|[^\s()"]+')
SET_OPERATION = {"AND": "INTERSECT", "OR": "UNION", "NOT": "EXCEPT"}


def _quoted(words) -> str:
    return '"' + " ".join(words) + '"'


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query: stemmed, a prefix (`word*`), or exact ("quoted").
    A prefix's `printed_terms`: the terms (lemmas, stems) of the printed words it begins.
    `kazakh`: the words' Cyrillic spelling, when they are Kazakh typed in Latin letters."""
    words: tuple[str, ...]
    prefix: bool = False
    exact: bool = False
    printed_terms: tuple[str, ...] = ()
    kazakh: tuple[str, ...] = ()

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
        forms = _word_forms([fold(w) for w in self.words], self.prefix, STEMMINGS)
        if self.kazakh:
            # Kazakh typed in Latin: its Cyrillic spelling, as Kazakh items index it.
            forms += _word_forms(list(self.kazakh), self.prefix, ("kk",))
        # A prefix also finds the terms of the printed words it begins, where they do
        # not begin so: `рынк*` finds `рынка` by рынок.
        return forms + [_quoted([term]) for term in self.printed_terms]

    def printed(self) -> str:
        """FTS5 over items_fts: the words as printed (its tokenizer folds case)."""
        if self.kazakh:
            return f"({_quoted(self.words)} OR {_quoted(self.kazakh)})"
        return _quoted(self.words)


def _word_forms(folded: list[str], prefix: bool, stemmings: tuple[str, ...]) -> list[str]:
    """FTS5 terms for words (folded) in each of `stemmings`."""
    marked = [as_kazakh(w) for w in folded]
    # Beside Russian's, as typed: a prefix matches the index's terms so (`правительств*`
    # finds the lemma `правительство`), and Snowball stems `Бектенов` to `бектен` but
    # `Бектенова` to `бектенов`, so the word itself is asked for too.
    spellings = [folded, marked] if "ru" in stemmings else [marked]
    if prefix:
        return [_quoted(words) + "*" for words in spellings]
    if len(folded) > 1:
        # A phrase: the likeliest reading of each word, the one indexed in its place.
        return [_quoted(stem(w, lang) for w in folded) for lang in stemmings]
    # Every reading of the word: `стали` is asked as стать and сталь, as indexed.
    return ([_quoted([term]) for lang in stemmings for term in readings(folded[0], lang)]
            + [_quoted(words) for words in spellings])


def _any(forms) -> str:
    forms = sorted(set(forms))
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


@dataclass(frozen=True)
class Query:
    """A search-box query. `fts` runs over items_search (limited to `column` if given),
    as Datasette's own search filter runs it; `exact`, when the query holds a quoted
    phrase, is SQL for the rowids the whole query finds (its phrases as printed), which
    narrows `fts`'s: `rowid IN (exact)`. `shown` is `fts` for people; `terms`, those
    whose words it finds (for the snippets' marks)."""
    fts: str
    exact: tuple[str, list] | None
    column: str | None
    shown: str
    terms: tuple[Term, ...] = ()

    def rowids(self) -> tuple[str, list]:
        """SQL selecting the rowids of the items the query finds, and its params."""
        if self.exact is not None:
            # The whole query already. Not `MATCH ? AND rowid IN (exact)`: FTS5 would
            # evaluate the MATCH once per rowid (seconds on 100,000 items).
            return self.exact
        return f"SELECT rowid FROM {TABLE} WHERE {self.column or TABLE} MATCH ?", [self.fts]

    def ranked(self) -> tuple[str, list]:
        """SQL selecting the rowids of the items the query finds and their bm25 `score`
        (lower is more relevant: the order "most relevant first"), and its params."""
        sql, params = f"SELECT rowid AS id, {RANK} AS score FROM {TABLE} WHERE {self.column or TABLE} MATCH ?", [self.fts]
        if self.exact is None:
            return sql, params
        # Scored once over the superset `fts` finds, then narrowed to the exact phrases,
        # for the reason `rowids` gives.
        exact_sql, exact_params = self.exact
        return (f"WITH scored AS MATERIALIZED ({sql}) SELECT id, score FROM scored WHERE id IN ({exact_sql})",
                params + exact_params)


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
        if term.exact and column is None:
            return _printed_anywhere(term.printed())
        table, match = (EXACT_TABLE, term.printed()) if term.exact else (TABLE, term.stemmed())
        return f"SELECT rowid AS id FROM {table} WHERE {column or table} MATCH ?", [match]
    operator, left, right = node
    (left_sql, left_params), (right_sql, right_params) = _sql(left, column), _sql(right, column)
    if right[0] != "term":
        right_sql = f"SELECT id FROM ({right_sql})"
    return f"{left_sql} {SET_OPERATION[operator]} {right_sql}", left_params + right_params


def _printed_anywhere(match: str) -> tuple[str, list]:
    """The items printing the phrase `match` in their text or in an attached file's: one
    SELECT, so that it chains with the others as a term does."""
    return (f"SELECT id FROM (SELECT rowid AS id FROM {EXACT_TABLE} WHERE {EXACT_TABLE} MATCH ?"
            f" UNION SELECT items.rowid FROM {ATTACHMENTS_FTS} JOIN {ATTACHMENTS_TABLE} a"
            f" ON a.rowid = {ATTACHMENTS_FTS}.rowid JOIN items ON items.url = a.item_url"
            f" WHERE {ATTACHMENTS_FTS} MATCH ?)", [match, match])


def compile_query(text: str, column: str | None = None, conn=None, lang: str | None = None) -> Query | None:
    """The search box's text as a Query (None when it holds no word); `column` limits
    it to one of COLUMNS, as `?_search_title=` does. Never invalid FTS5; QueryTooLarge
    for a search over the limits. With `conn`, a prefix also finds the printed words
    it begins (`рынк*`: рынка), read from the archive's index of printed words.

    A word in Latin letters is also asked in Cyrillic as Kazakh typed in the 2021 Latin
    alphabet (`ükımet`: үкімет) when `lang` (the items searched) is kk, or when it is
    not English: it holds a letter only Kazakh has, or (with `conn`, `lang` not given)
    no item prints it. Its Latin forms stay in the query, so an English word still
    finds what it finds in English items."""
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
    if conn is not None:
        _vocabulary(conn)

    def complete(term: Term) -> Term:
        term = _in_latin_kazakh(term, conn, lang)
        return _with_printed_terms(conn, term) if conn is not None and term.prefix else term

    tokens = [(kind, complete(value) if kind == "term" else value) for kind, value in tokens]
    excluded = [complete(term) for term in excluded]
    tree = _tree(tokens)
    for term in excluded:
        tree = ("NOT", tree, ("term", term))
    return Query(_fts(tree), _sql(tree, column) if _has_exact(tree) else None, column,
                 _fts(tree, shown=True), tuple(_found_terms(tree)))


def _found_terms(node) -> list[Term]:
    """The terms whose words the query finds (not those it leaves out)."""
    if node[0] == "term":
        return [node[1]]
    operator, left, right = node
    return _found_terms(left) + ([] if operator == "NOT" else _found_terms(right))


def _vocabulary(conn) -> None:
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {PRINTED_TERMS_TABLE}"
                 f" USING fts5vocab(main, {EXACT_TABLE}, row)")


def _in_latin_kazakh(term: Term, conn, lang: str | None) -> Term:
    """The term with its Cyrillic spelling, if it is Kazakh typed in Latin letters."""
    if lang not in (None, "kk"):
        return term
    cyrillic = tuple(kazakh.from_latin(word) for word in term.words)
    if None in cyrillic:
        return term  # not all Latin letters of that alphabet (or Cyrillic already)
    if lang is None and not any(kazakh.surely_kazakh(word) for word in term.words):
        if conn is None or _printed_somewhere(conn, term.words):
            return term
    return replace(term, kazakh=cyrillic)


def _printed_somewhere(conn, words) -> bool:
    return all(conn.execute(f"SELECT 1 FROM {PRINTED_TERMS_TABLE} WHERE term = ?", [fold(word)]).fetchone()
               for word in words)


def _with_printed_terms(conn, term: Term) -> Term:
    """The prefix with the terms of the first PRINTED_WORDS printed words it begins: a
    seek and a short read of the printed index's vocabulary. A prefix that begins more
    words than that is short, and begins their lemmas and stems too but for a rare
    suppletive form, so the bound costs next to nothing in recall."""
    terms: dict[str, None] = {}
    for prefix in dict.fromkeys([fold(term.words[0]), *term.kazakh[:1]]):
        printed = [word for (word,) in conn.execute(
            f"SELECT term FROM {PRINTED_TERMS_TABLE} WHERE term >= ? AND term < ? LIMIT ?",
            [prefix, prefix + "\U0010ffff", PRINTED_WORDS])]
        terms.update(dict.fromkeys(t for word in printed for lang in STEMMINGS for t in readings(word, lang)
                                   if not t.lstrip(KAZAKH_MARK).startswith(prefix)))
    return replace(term, printed_terms=tuple(terms))


def _nesting(tokens: list) -> int:
    depth = deepest = 0
    for kind, _ in tokens:
        depth += {"(": 1, ")": -1}.get(kind, 0)
        deepest = max(deepest, depth)
    return deepest


def matching(text: str, column: str | None = None, conn=None, lang: str | None = None) -> tuple[str, list] | None:
    """SQL selecting the rowids of the items `text` finds, and its params; None when it
    holds no word. `conn`, `lang`: as compile_query's."""
    query = compile_query(text, column, conn, lang)
    return query.rowids() if query else None
