"""What an edit changed, word by word within a paragraph: computed once, when the state it
replaced is stored as a version (`item_versions.body_changes`, `item_versions.significance`),
never when it is read; `compare` gives the same for any two states of an item.

The stored form (`body_changes`) is a JSON list of operations in reading order:

    {"op": "title", "text": new headline, "before": old headline, "words": [...]}
                                         the headline changed (first, when it did)
    {"op": "summary", "text": new lead, "before": old lead, "words": [...]}
                                         the teaser changed (a lead added or dropped whole:
                                         "before" or "text" is "")
    {"op": "-", "text": old paragraph}   a paragraph removed whole
    {"op": "+", "text": new paragraph}   a paragraph added whole
    {"op": "~", "text": new paragraph, "before": old paragraph, "words": [...]}
                                         a paragraph edited in place

`words` is the paragraph as runs, `[["=", "kept "], ["-", "removed"], ["+", "added"], ...]`:
the `=` and `-` runs joined are `before`, the `=` and `+` runs joined are `text`. Archives
written before the word diffs hold only `-`/`+` operations; every reader takes both.

Bodies are in normal form (paragraphs separated by one blank line), so the paragraph is
the unit matched first. The cost is bounded whatever the page: the matching is patience
diff (paragraphs that occur once on both sides anchor it, in the order both keep, found
in n log n), which splits the page into small stretches between anchors; a stretch
without such a paragraph is compared in full only when small, else shown as replaced
whole; the stretches looked at in all are a few times the page's length. A removed
paragraph is then paired with an added one only among the nearest few of the same
stretch, when their words are alike, and the words compared per page are capped: past
it, or in a paragraph too long to compare, an edit reads as the paragraph out and in.

`significance` says how much an edit matters, stored beside it:
  `cosmetic`     white space, punctuation, quotes and letter case only
  `wording`      words changed, none of the below
  `substantive`  a number, a date (a month's name), a proper name (a capitalised word not
                 at a sentence's start, any script), a sentence added or removed, or the
                 headline
A page removed from the site is the `gone` event (item_events) and writes no version; a
page that returns is the `returned` event, and the version its return writes (the state
it came back to, storage/revisits.py) has the significance `returned`.
"""
from __future__ import annotations

import bisect
import difflib
import html
import json
import re
import unicodedata

from sqlite_utils import Database

# A stretch with no anchor is compared in full (difflib, quadratic) only up to this many
# pairs of paragraphs; beyond it, it reads as removed and added whole.
FULL_COMPARISON_PAIRS = 10_000
# Paragraphs looked at in all, per paragraph of the two states: a page whose stretches
# keep splitting into ever smaller ones stops being refined there.
WORK_PER_PARAGRAPH = 8
# A removed paragraph is tried against this many of the added ones that follow in its
# stretch: an edit in place keeps a paragraph where it was.
PAIRING_WINDOW = 3
# Words and separators of one paragraph beyond which it is not compared word by word
# (difflib is quadratic at worst), and those compared in all for one edit; a paragraph
# of more characters than PARAGRAPH_CHARS is not even split into them.
PARAGRAPH_TOKENS = 3_000
PARAGRAPH_CHARS = 20_000
EDIT_TOKENS = 20_000
# How alike two paragraphs' sets of words must be (twice the shared over the sum) to read
# as one edited.
ALIKE = 0.5
# Characters of unchanged text kept on each side of a change in the plain-text form.
CONTEXT = 80

SIGNIFICANCE = ("cosmetic", "wording", "substantive")
RETURNED = "returned"

_TOKEN = re.compile(r"(\s*)(\w+|[^\w\s])")
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)]*(?:\s+|$)")
_OPENERS = set("\"'«„“‘([—–-")
# Months' names as dates use them: Russian in their case forms, Kazakh with any suffix
# (наурызда). English ones are capitalised, so they count as names already.
_MONTHS = re.compile(
    r"(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)[ьяею]|(?:март|август)[аеу]?|ма[йяе]"
    r"|(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)\w*",
    re.IGNORECASE)


def paragraphs(text: str | None) -> list[str]:
    return [part for part in (text or "").split("\n\n") if part.strip()]


def compare(before_body: str | None, after_body: str | None, before_title: str | None = None,
            after_title: str | None = None, before_summary: str | None = None,
            after_summary: str | None = None) -> list[dict]:
    """The operations (see the module's docstring) that take one state to another: the
    headline's and the lead's when given and different, then the body's."""
    budget = [EDIT_TOKENS]
    changes = []
    for op, before, after in (("title", before_title, after_title), ("summary", before_summary, after_summary)):
        if (before or "") != (after or ""):
            changes.append({"op": op, "text": after or "", "before": before or "",
                            "words": _words(before or "", after or "", budget, always=True)})
    old, new = paragraphs(before_body), paragraphs(after_body)
    # A paragraph found on both sides but not matched was moved, not edited.
    kept = set(old) & set(new)
    i = j = 0
    for a, b in _matches(old, new) + [(len(old), len(new))]:
        changes += _stretch(old[i:a], new[j:b], kept, budget)
        i, j = a + 1, b + 1
    return changes


def _stretch(removed: list[str], added: list[str], kept: set[str], budget: list[int]) -> list[dict]:
    """One stretch between matched paragraphs, in reading order: removed paragraphs
    paired with alike added ones (each a `~`), the rest out or in whole."""
    changes: list[dict] = []
    words_of: dict[int, set[str]] = {}  # an added paragraph's words, made once
    j = 0
    for old in removed:
        own = _word_set(old) if budget[0] > 0 and old not in kept and len(old) <= PARAGRAPH_CHARS else None
        for k in range(j, min(j + PAIRING_WINDOW, len(added)) if own else j):
            if k not in words_of:
                words_of[k] = set() if added[k] in kept else _word_set(added[k])
            words = _words(old, added[k], budget) if _alike(own, words_of[k]) else None
            if words is not None:
                changes += [{"op": "+", "text": text} for text in added[j:k]]
                changes.append({"op": "~", "text": added[k], "before": old, "words": words})
                j = k + 1
                break
        else:
            changes.append({"op": "-", "text": old})
    return changes + [{"op": "+", "text": text} for text in added[j:]]


def _word_set(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _alike(a: set[str], b: set[str]) -> bool:
    """Whether two paragraphs share enough of their words to read as one edited: a
    cheap test before any matching."""
    return bool(a and b) and 2 * len(a & b) / (len(a) + len(b)) >= ALIKE


def _words(before: str, after: str, budget: list[int], always: bool = False) -> list[list[str]] | None:
    """The runs of kept, removed and added words, or None when the paragraphs are too
    long to compare within the budget (`always`: a headline or lead is compared, or
    given as one removed and one added run)."""
    fits = len(before) + len(after) <= PARAGRAPH_CHARS
    old, new = (_tokens(before), _tokens(after)) if fits else ([], [])
    cost = len(old) + len(new)
    if not fits or cost > PARAGRAPH_TOKENS or cost > budget[0]:
        if cost > budget[0]:
            budget[0] = 0  # spent: the edit's other paragraphs read out and in whole
        if not always:
            return None
        return [run for run in (["-", before], ["+", after]) if run[1]]
    budget[0] -= cost
    runs: list[list[str]] = []
    # Words and signs are compared without the white space before them: as tokens of
    # their own, spaces are every other one, and difflib's matching slows on them.
    matcher = difflib.SequenceMatcher(None, [t for _, t in old], [t for _, t in new], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for (space_a, token), (space_b, _) in zip(old[a1:a2], new[b1:b2]):
                if space_a != space_b:
                    _append(runs, "-", space_a)
                    _append(runs, "+", space_b)
                _append(runs, "=", token if space_a != space_b else space_a + token)
            continue
        removed = "".join(space + token for space, token in old[a1:a2])
        added = "".join(space + token for space, token in new[b1:b2])
        # The space both sides begin with is kept: `a [-b-]{+c+}`, not `a[- b-]{+ c+}`.
        shared = len(old[a1][0]) if removed and added and old[a1][0] == new[b1][0] else 0
        _append(runs, "=", removed[:shared])
        _append(runs, "-", removed[shared:])
        _append(runs, "+", added[shared:])
    return _merged(runs)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(the white space before it, the word or sign) for each word and sign of `text`,
    and (white space, "") for any at its end: joined, they are `text`."""
    found = _TOKEN.findall(text)
    end = text[len(text.rstrip()):]
    return found + [(end, "")] if end else found


def _append(runs: list[list[str]], op: str, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == op:
        runs[-1][1] += text
    else:
        runs.append([op, text])


def _merged(runs: list[list[str]]) -> list[list[str]]:
    """White space alone kept between two changes joins them (`[-a b-]{+c d+}`, not
    `[-a-]{+c+} [-b-]{+d+}`), and the removed runs of a change come before its added."""
    merged: list[list[str]] = []
    pending = {"-": "", "+": ""}
    for n, (op, text) in enumerate(runs):
        between = 0 < n < len(runs) - 1 and not text.strip()
        if op == "=" and not between:
            for sign in "-+":
                _append(merged, sign, pending[sign])
            pending = {"-": "", "+": ""}
            _append(merged, "=", text)
        elif op == "=":
            pending["-"] += text
            pending["+"] += text
        else:
            pending[op] += text
    for sign in "-+":
        _append(merged, sign, pending[sign])
    return merged


def _matches(old: list, new: list) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal paragraphs, increasing on both sides."""
    found: list[tuple[int, int]] = []
    stretches = [(0, len(old), 0, len(new))]
    budget = WORK_PER_PARAGRAPH * (len(old) + len(new))
    while stretches and budget > 0:
        a_lo, a_hi, b_lo, b_hi = stretches.pop()
        budget -= (a_hi - a_lo) + (b_hi - b_lo)
        while a_lo < a_hi and b_lo < b_hi and old[a_lo] == new[b_lo]:
            found.append((a_lo, b_lo))
            a_lo, b_lo = a_lo + 1, b_lo + 1
        while a_lo < a_hi and b_lo < b_hi and old[a_hi - 1] == new[b_hi - 1]:
            a_hi, b_hi = a_hi - 1, b_hi - 1
            found.append((a_hi, b_hi))
        if a_lo == a_hi or b_lo == b_hi:
            continue
        anchors = _anchors(old, new, a_lo, a_hi, b_lo, b_hi)
        if anchors:
            found += anchors
            bounds = [(a_lo - 1, b_lo - 1), *anchors, (a_hi, b_hi)]
            stretches += [(a + 1, c, b + 1, d) for (a, b), (c, d) in zip(bounds, bounds[1:])]
        elif (a_hi - a_lo) * (b_hi - b_lo) <= FULL_COMPARISON_PAIRS:
            matcher = difflib.SequenceMatcher(None, old[a_lo:a_hi], new[b_lo:b_hi], autojunk=False)
            found += [(a_lo + a + k, b_lo + b + k) for a, b, size in matcher.get_matching_blocks()
                      for k in range(size)]
    return sorted(found)


def _anchors(old: list, new: list, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> list[tuple[int, int]]:
    """The paragraphs found once in each side of the stretch, as many as keep the same
    order on both sides (the longest increasing run of their places, by patience sorting)."""
    once_old = _once(old, a_lo, a_hi)
    once_new = _once(new, b_lo, b_hi)
    pairs = [(i, once_new[key]) for key, i in once_old.items() if key in once_new]
    pairs.sort()
    tops: list[int] = []  # the smallest last place in `new` of a run of each length
    top_index: list[int] = []
    back: list[int] = []
    for n, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tops, j)
        if length == len(tops):
            tops.append(j)
            top_index.append(n)
        else:
            tops[length], top_index[length] = j, n
        back.append(top_index[length - 1] if length else -1)
    run = []
    n = top_index[-1] if top_index else -1
    while n >= 0:
        run.append(pairs[n])
        n = back[n]
    return run[::-1]


def _once(values: list, lo: int, hi: int) -> dict:
    seen: dict = {}
    for i in range(lo, hi):
        seen[values[i]] = -1 if values[i] in seen else i
    return {key: i for key, i in seen.items() if i >= 0}


def encode(changes: list[dict]) -> str:
    return json.dumps(changes, ensure_ascii=False)


def decode(stored: str | None) -> list[dict]:
    """The stored operations; an entry kept as a pair (`["-", text]`) read as its op."""
    return [change if isinstance(change, dict) else {"op": change[0], "text": change[1]}
            for change in json.loads(stored or "[]")]


def edit_changes(stored: str | None, before: str | None, after: str | None) -> list[dict]:
    """What an edit changed: as stored with the version it replaced, or compared now in
    an archive that predates the stored changes and could not be updated (read-only)."""
    return decode(stored) if stored is not None else compare(before, after)


# The forms a reader sees.

def as_html(changes: list[dict]) -> str:
    """Escaped HTML: one <p> per paragraph, removed and added words in <del> and <ins>
    within an edited one, a paragraph out or in whole inside one <del> or <ins>."""
    parts = []
    for change in changes:
        op = change["op"]
        if op in ("-", "+"):
            tag = "del" if op == "-" else "ins"
            parts.append(f'<p class="pmkz-{tag}"><{tag}>{html.escape(change["text"])}</{tag}></p>')
            continue
        words = change.get("words") or [["-", change.get("before", "")], ["+", change["text"]]]
        inline = "".join(_html_run(sign, text) for sign, text in words)
        label = {"title": "Headline: ", "summary": "Lead: "}.get(op, "")
        parts.append(f'<p class="pmkz-{"edit" if op == "~" else op}">{html.escape(label)}{inline}</p>')
    return "\n".join(parts)


def _html_run(sign: str, text: str) -> str:
    escaped = html.escape(text)
    return {"=": escaped, "-": f"<del>{escaped}</del>", "+": f"<ins>{escaped}</ins>"}[sign]


def as_text(changes: list[dict]) -> str:
    """Plain text for an email or a chat: `Headline: before -> after`; an edited
    paragraph as its changed sentences with `[-removed-]{+added+}` inline (git's word
    diff), its unchanged text cut to a little around them; a paragraph out or in whole
    as `- ` or `+ ` and its text."""
    parts = []
    for change in changes:
        op = change["op"]
        if op in ("-", "+"):
            parts.append(f"{op} {change['text']}")
        elif op == "title":
            parts.append(f"Headline: {change['before']} -> {change['text']}")
        else:
            words = change.get("words") or [["-", change.get("before", "")], ["+", change["text"]]]
            inline = _inline(words)
            parts.append(f"Lead: {inline}" if op == "summary" else f"~ {inline}")
    return "\n\n".join(parts)


def _inline(words: list[list[str]]) -> str:
    out = []
    for n, (sign, text) in enumerate(words):
        if sign == "-":
            out.append(f"[-{text}-]")
        elif sign == "+":
            out.append(f"{{+{text}+}}")
        else:
            out.append(_context(text, first=n == 0, last=n == len(words) - 1))
    return "".join(out)


def _context(text: str, *, first: bool, last: bool) -> str:
    """Unchanged text around a change: the rest of the changed sentence, at most
    CONTEXT characters of it on either side, `…` where it was cut."""
    head = 0 if first else _head_end(text)
    tail = len(text) if last else _tail_start(text)
    if not text[head:tail].strip():
        return text
    return ("" if first else text[:head] + " ") + "…" + ("" if last else " " + text[tail:])


def _head_end(text: str) -> int:
    """Where the first sentence of `text` ends, within CONTEXT characters."""
    end = _SENTENCE_END.search(text)
    if end and end.end() <= CONTEXT:
        return len(text[:end.end()].rstrip())
    if len(text) <= CONTEXT:
        return len(text)
    cut = text.rfind(" ", 0, CONTEXT)
    return cut if cut > 0 else CONTEXT


def _tail_start(text: str) -> int:
    """Where the last sentence of `text` starts, within CONTEXT characters of its end."""
    body = text.rstrip()
    starts = [m.end() for m in _SENTENCE_END.finditer(body) if m.end() < len(body)]
    if starts and len(text) - starts[-1] <= CONTEXT:
        return starts[-1]
    if len(text) <= CONTEXT:
        return 0
    cut = text.find(" ", len(text) - CONTEXT)
    return cut + 1 if cut >= 0 else len(text) - CONTEXT


# How much an edit matters.

def significance(changes: list[dict]) -> str:
    """`cosmetic`, `wording` or `substantive` (see the module's docstring) for the
    operations of one edit: the most any part of it weighs."""
    def sides(ops):
        before = " ".join(c.get("before", c["text"] if c["op"] == "-" else "") for c in ops)
        after = " ".join(c["text"] if c["op"] != "-" else "" for c in ops)
        return _folded(before), _folded(after)

    rank = 0
    body = [c for c in changes if c["op"] in ("-", "+", "~")]
    if len(set(sides(body))) > 1 and any(c["op"] != "~" for c in body):
        return "substantive"  # a paragraph, and with it a sentence, out or in
    for change in changes:
        if change["op"] in ("-", "+") or len(set(sides([change]))) == 1:
            continue
        if change["op"] == "title":
            return "substantive"
        rank = max(rank, 2 if _substantive(change) else 1)
    return SIGNIFICANCE[rank]


def at_least(least: str | None) -> tuple[str, ...]:
    """The classes from `least` up (None: every class), as `watches.events` takes them;
    ValueError, one line, for a class that is none of them."""
    if least and least not in SIGNIFICANCE:
        raise ValueError(f"significance must be one of {', '.join(SIGNIFICANCE)}, not {least!r}")
    return SIGNIFICANCE[SIGNIFICANCE.index(least):] if least else SIGNIFICANCE


def _folded(text: str) -> str:
    """The text without what a cosmetic edit changes: white space, punctuation, quotes,
    letter case, Unicode forms."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _substantive(change: dict) -> bool:
    before, after = change.get("before", ""), change["text"]
    if _sentences(before) != _sentences(after):
        return True
    words = change.get("words") or [["-", before], ["+", after]]
    for side, sign in ((before, "-"), (after, "+")):
        position = 0
        for op, text in words:
            if op not in ("=", sign):
                continue
            if op == sign and _weighty(side, position, position + len(text)):
                return True
            position += len(text)
    return False


def _sentences(text: str) -> int:
    return len([m for m in _SENTENCE_END.finditer(text.strip()) if m.start() > 0]) or (1 if text.strip() else 0)


def _weighty(text: str, start: int, end: int) -> bool:
    """Whether the words of text[start:end] hold a number, a month or a proper name."""
    for match in re.finditer(r"\w+", text):
        if match.end() <= start or match.start() >= end:
            continue
        word = match.group()
        if any(ch.isdigit() for ch in word) or _MONTHS.fullmatch(word):
            return True
        if word[0].isupper() and not _starts_sentence(text, match.start()):
            return True
    return False


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    while before and before[-1] in _OPENERS:
        before = before[:-1].rstrip()
    return not before or before[-1] in ".!?…:"


# Filling what older writers left out.

MISSING_INDEX = "idx_item_versions_without_changes"
UNCLASSIFIED_INDEX = "idx_item_versions_without_significance"


def all_stored(db: Database) -> bool:
    """Whether every version has its changes and significance stored (what readers show)."""
    columns = db["item_versions"].columns_dict
    if "body_changes" not in columns or "significance" not in columns:
        return False
    return db.execute("SELECT 1 FROM item_versions WHERE body_changes IS NULL OR significance IS NULL"
                      " LIMIT 1").fetchone() is None


def fill_missing(db: Database) -> None:
    """Store the changes and significance of every version written without them (by a
    pmkz from before them, or a writer that left them out): each compared with the
    state that replaced it, the next version or the item as it is; changes stored as
    whole paragraphs are compared again word by word. One version's texts in memory at
    a time."""
    keys = db.execute("SELECT item_url, version FROM item_versions"
                      " WHERE body_changes IS NULL OR significance IS NULL").fetchall()
    texts = "body, title, summary"
    for url, version in keys:
        note, *before = db.execute(f"SELECT note, {texts} FROM item_versions WHERE item_url = ? AND version = ?",
                                   [url, version]).fetchone()
        after = (db.execute(f"SELECT {texts} FROM item_versions WHERE item_url = ? AND version = ?",
                            [url, version + 1]).fetchone()
                 or db.execute(f"SELECT {texts} FROM items WHERE url = ?", [url]).fetchone()
                 or (None, None, None))
        if note:  # the version a return wrote: no edit (storage/revisits.py)
            changes, weight = [], RETURNED
        else:
            changes = compare(before[0], after[0], before[1], after[1], before[2], after[2])
            weight = significance(changes)
        db.execute("UPDATE item_versions SET body_changes = ?, significance = ? WHERE item_url = ? AND version = ?",
                   [encode(changes), weight, url, version])
