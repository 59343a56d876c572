"""What changed between two states of a body, paragraph by paragraph.

Bodies are in normal form (paragraphs separated by one blank line), so a paragraph is
the unit a reader compares: an edit shows as the old paragraph out, the new one in.
"""
from __future__ import annotations

import difflib


def paragraphs(text: str | None) -> list[str]:
    return [part for part in (text or "").split("\n\n") if part.strip()]


def paragraph_changes(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """('-', paragraph) for each paragraph removed and ('+', paragraph) for each one
    added, in reading order; paragraphs both states share are left out."""
    old, new = paragraphs(before), paragraphs(after)
    changes = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes += [("-", p) for p in old[i1:i2]] + [("+", p) for p in new[j1:j2]]
    return changes


def paragraph_diff(before: str | None, after: str | None) -> str:
    """The changes as text, one `- ` or `+ ` paragraph each: the SQL function
    `pmkz_paragraph_diff` the "changed this week" query shows."""
    return "\n\n".join(f"{sign} {text}" for sign, text in paragraph_changes(before, after))
