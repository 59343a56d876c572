"""What an edit changed in a body, paragraph by paragraph: computed once, when the state it
replaced is stored as a version (`item_versions.body_changes`), never when it is read.

Bodies are in normal form (paragraphs separated by one blank line), so a paragraph is the
unit a reader compares: an edit shows as the old paragraph out, the new one in.

The cost is bounded whatever the page: the matching is patience diff (paragraphs that occur once on both sides anchor it, in the order both
keep, found in n log n), which splits the page into small stretches between anchors; a
stretch without such a paragraph is compared in full only when small, else shown as
replaced whole; and the stretches looked at in all, a few times the page's length.
An article of tens of thousands of paragraphs with neighbours swapped is
matched exactly, in time linear in its size; difflib's matcher took quadratic time.
"""
from __future__ import annotations

import bisect
import difflib
import json

from sqlite_utils import Database

# A stretch with no anchor is compared in full (difflib, quadratic) only up to this many
# pairs of paragraphs; beyond it, it reads as removed and added whole.
FULL_COMPARISON_PAIRS = 10_000
# Paragraphs looked at in all, per paragraph of the two states: a page whose stretches
# keep splitting into ever smaller ones stops being refined there.
WORK_PER_PARAGRAPH = 8


def paragraphs(text: str | None) -> list[str]:
    return [part for part in (text or "").split("\n\n") if part.strip()]


def paragraph_changes(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """('-', paragraph) for each paragraph removed and ('+', paragraph) for each one
    added, in reading order; paragraphs both states share are left out."""
    old, new = paragraphs(before), paragraphs(after)
    changes: list[tuple[str, str]] = []
    i = j = 0
    for a, b in _matches(old, new) + [(len(old), len(new))]:
        changes += [("-", p) for p in old[i:a]] + [("+", p) for p in new[j:b]]
        i, j = a + 1, b + 1
    return changes


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


def encode(changes: list[tuple[str, str]]) -> str:
    """The stored form: a JSON list of operations, one a paragraph (`{"op": "-", "text":
    ...}`), which later detail (words within a paragraph, how much an edit matters) can
    extend with keys of its own."""
    return json.dumps([{"op": op, "text": text} for op, text in changes], ensure_ascii=False)


def decode(stored: str | None) -> list[tuple[str, str]]:
    return [(change["op"], change["text"]) for change in json.loads(stored or "[]")]


def edit_changes(stored: str | None, before: str | None, after: str | None) -> list[tuple[str, str]]:
    """What an edit changed: as stored with the version it replaced, or compared now in
    an archive that predates the stored changes and could not be updated (read-only)."""
    return decode(stored) if stored is not None else paragraph_changes(before, after)


def as_text(changes: list[tuple[str, str]]) -> str:
    """The changes as text, one `- ` or `+ ` paragraph each."""
    return "\n\n".join(f"{sign} {text}" for sign, text in changes)


MISSING_INDEX = "idx_item_versions_without_changes"


def all_stored(db: Database) -> bool:
    """Whether every version has its changes stored (what readers show)."""
    if "body_changes" not in db["item_versions"].columns_dict:
        return False
    return db.execute("SELECT 1 FROM item_versions WHERE body_changes IS NULL LIMIT 1").fetchone() is None


def fill_missing(db: Database) -> None:
    """Store the changes of every version written without them (by a pmkz from before
    them, or a writer that left them out): each compared with the state that replaced
    it, the next version or the item as it is. One version's texts in memory at a
    time."""
    keys = db.execute("SELECT item_url, version FROM item_versions WHERE body_changes IS NULL").fetchall()
    for url, version in keys:
        before, after = db.execute(
            "SELECT v.body, coalesce((SELECT n.body FROM item_versions n WHERE n.item_url = v.item_url"
            "                         AND n.version = v.version + 1), i.body)"
            " FROM item_versions v LEFT JOIN items i ON i.url = v.item_url"
            " WHERE v.item_url = ? AND v.version = ?", [url, version]).fetchone()
        db.execute("UPDATE item_versions SET body_changes = ? WHERE item_url = ? AND version = ?",
                   [encode(paragraph_changes(before, after)), url, version])
