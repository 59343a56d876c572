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

from collections import deque
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

    def __post_init__(self):
        # A Snowball or Kazakh stem begins its word (the Kazakh one but for a voiced
        # last letter), so only a word that begins like one of its scheme is stemmed.
        begins = {scheme: tuple(stem[:-1] for k, stem in self.stems if k == scheme) for scheme in ("ru", "kk")}
        object.__setattr__(self, "_begins", begins)

    def marks(self, word: str, lang: str | None) -> bool:
        folded = fold(word)
        if folded in self.forms or folded.startswith(self.prefixes):
            return True
        scheme = _scheme(folded, lang)
        if scheme != "latin" and not folded.startswith(self._begins[scheme]):
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
        words = WORD.finditer(text)
        before: deque = deque(maxlen=WORDS_BEFORE + 1)
        for word in words:
            before.append(word)
            if mark.marks(word.group(), lang):
                start = before[0].start() if len(before) > WORDS_BEFORE else 0
                return _window(text, start, words, WORDS_AFTER, mark, lang)
    text = next((t for t in texts if t), "")[:SCAN_CHARS]
    return _window(text, 0, WORD.finditer(text), WORDS_BEFORE + WORDS_AFTER, mark, lang)


def _window(text: str, start: int, words, count: int, mark: Marker, lang: str | None) -> Markup:
    """The text from `start` to the end of the `count`-th of the `words` still to come."""
    end = len(text)
    for n, word in enumerate(words, 1):
        if n == count:
            end = word.end()
            break
    body = _marked(text, start, end, mark, lang)
    return Markup("… " if start else "") + body + Markup(" …" if text[end:].strip() else "")


def _marked(text: str, start: int, end: int, mark: Marker, lang: str | None) -> Markup:
    out, at = [], start
    for word in WORD.finditer(text, start, end):
        if mark.marks(word.group(), lang):
            out += [escape(text[at:word.start()]), "<mark>", escape(word.group()), "</mark>"]
            at = word.end()
    out.append(escape(text[at:end]))
    return Markup("".join(out))  # every piece of the text escaped above
