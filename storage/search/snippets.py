"""Snippets of what a search found: the printed words it matched, in <mark>.

The index holds lemmas and stems, so FTS5's own snippet() over it could only show those;
the marks are found from the printed text instead. A query word's printed forms are its
lexemes as pymorphy3 lists them (the forms indexed as its lemma), so marking a word is a
set lookup, and pymorphy3 reads the query's few words, not every word of every hit; a
word no dictionary knows is matched by its Snowball stem, a Kazakh one by the Kazakh
stem, a Latin one by Porter's, and a prefix by how the printed word begins. Each text is
read up to SCAN_CHARS characters: a hit's cost does not grow with its length.
"""
from __future__ import annotations

from dataclasses import dataclass
from markupsafe import Markup, escape

from .query import Query
from .words import CYRILLIC, WORD, fold, lexeme, plain_stem

# How much of a text a snippet looks at, and how many words it shows either side of
# the first one marked.
SCAN_CHARS = 20_000
WORDS_BEFORE = 10
WORDS_AFTER = 20


@dataclass(frozen=True)
class Marker:
    """What a query marks in printed text: `forms`, printed words (folded) as they are;
    `stems`, the stems (by `_scheme`) of the query's words that the index holds as
    stems; `prefixes`, the beginnings of printed words."""
    forms: frozenset[str]
    stems: frozenset[tuple[str, str]]
    prefixes: tuple[str, ...]

    def marks(self, word: str, lang: str | None) -> bool:
        folded = fold(word)
        if folded in self.forms or folded.startswith(self.prefixes):
            return True
        scheme = _scheme(folded, lang)
        # A Snowball or Kazakh stem begins its word (the Kazakh one but for a voiced
        # last letter), so only a word that begins like one is stemmed.
        if scheme != "latin" and not any(folded.startswith(s[:-1]) for k, s in self.stems if k == scheme):
            return False
        return (scheme, plain_stem(folded, lang)) in self.stems


def _scheme(word: str, lang: str | None) -> str:
    """Which stemmer `plain_stem` applies to a folded word in an item in `lang`."""
    if not CYRILLIC.search(word):
        return "latin"
    return "kk" if lang == "kk" else "ru"


def marker(query: Query) -> Marker:
    forms: set[str] = set()
    stems: set[tuple[str, str]] = set()
    prefixes: list[str] = []
    for term in query.terms:
        for words in (tuple(fold(w) for w in term.words), term.kazakh):
            if term.prefix:
                prefixes.extend(words[:1])
            elif term.exact:
                forms.update(words)
            else:
                for word in words:
                    known = lexeme(word) if CYRILLIC.search(word) else frozenset()
                    forms.update(known | {word})
                    # As the index holds them: Kazakh words by their stem, Latin ones by
                    # Porter's, Russian ones by Snowball's where no dictionary knows them;
                    # and the word as typed, which the query asks for as a stem too.
                    for lang in ("kk",) if known else ("kk", "ru"):
                        stems.add((_scheme(word, lang), plain_stem(word, lang)))
                    stems.update((_scheme(word, lang), word) for lang in ("kk", "ru"))
    return Marker(frozenset(forms), frozenset(stems), tuple(p for p in prefixes if p))


def highlight(text: str | None, mark: Marker, lang: str | None) -> Markup:
    """The whole text (a headline) escaped, with the words `mark` marks in <mark>."""
    return _marked(text or "", 0, len(text or ""), mark, lang)


def snippet(texts: list[str | None], mark: Marker, lang: str | None) -> Markup:
    """A few dozen words of the first of `texts` (a body, then a teaser) that holds a
    word `mark` marks, around the first such word, escaped, with the marked words in
    <mark>; the beginning of the first text when none holds one."""
    for text in texts:
        text = (text or "")[:SCAN_CHARS]
        words = list(WORD.finditer(text))
        first = next((n for n, w in enumerate(words) if mark.marks(w.group(), lang)), None)
        if first is not None:
            return _window(text, words, max(0, first - WORDS_BEFORE), first + WORDS_AFTER, mark, lang)
    text = next((t for t in texts if t), "")[:SCAN_CHARS]
    return _window(text, list(WORD.finditer(text)), 0, WORDS_BEFORE + WORDS_AFTER, mark, lang)


def _window(text: str, words: list, first: int, last: int, mark: Marker, lang: str | None) -> Markup:
    if not words:
        return Markup("")
    shown = words[first:last + 1]
    start = shown[0].start() if first else 0
    end = shown[-1].end() if last + 1 < len(words) else len(text)
    body = _marked(text, start, end, mark, lang)
    return Markup("… " if start else "") + body + Markup(" …" if end < len(text) else "")


def _marked(text: str, start: int, end: int, mark: Marker, lang: str | None) -> Markup:
    out, at = [], start
    for word in WORD.finditer(text, start, end):
        if mark.marks(word.group(), lang):
            out += [escape(text[at:word.start()]), "<mark>", escape(word.group()), "</mark>"]
            at = word.end()
    out.append(escape(text[at:end]))
    return Markup("".join(out))  # every piece of the text escaped above
