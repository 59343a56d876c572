"""What an edit changed in a body, as the reading pages show it.

The changes are stored with each version when it is written (pmkz.storage.diffs), so a
reader's request reads them instead of comparing two bodies; notify and SQL users
compare any two bodies with the same bounded comparison.
"""
from __future__ import annotations

from pmkz.storage.diffs import as_text, decode, paragraph_changes, paragraphs

__all__ = ["paragraph_changes", "paragraph_diff", "paragraphs", "version_changes"]


def paragraph_diff(before: str | None, after: str | None) -> str:
    """The changes as text, one `- ` or `+ ` paragraph each: the SQL function
    `pmkz_paragraph_diff`."""
    return as_text(paragraph_changes(before, after))


def version_changes(version: dict, following: dict) -> list[tuple[str, str]]:
    """What the edit that replaced `version` (an item_versions row) changed, the state
    `following` made: as stored with it, or compared now in an archive that predates
    the stored changes and could not be updated (read-only)."""
    if version.get("body_changes") is not None:
        return decode(version["body_changes"])
    return paragraph_changes(version["body"], following["body"])
