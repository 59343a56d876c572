"""Mass disappearance: many re-checked pages gone at once is an alert, not a fact.

A site that answers 404 for every article while its lists still link them, or sends
every article to its front page, has broken or moved, not withdrawn its whole archive.
When more than a share of the pages one run re-checked answer 404/410, or redirect to
one and the same place, the run is `degraded`, no item is marked gone, and the alert
says which and how many.
"""
from __future__ import annotations

from collections import Counter

SHARE_SETTING = "PMKZ_MASS_GONE_SHARE"
MIN_PAGES_SETTING = "PMKZ_MASS_GONE_MIN_PAGES"


def mass_disappearance(gone: list[tuple[str, str | None]], rechecked: int, share: float,
                       min_pages: int) -> str | None:
    """The alert sentence, or None. `gone`: (url, where it redirects or None for 404/410)
    of the known pages this run found gone; `rechecked`: known pages this run fetched."""
    if rechecked < max(1, min_pages) or not gone:
        return None
    missing = sum(1 for _, target in gone if target is None)
    if missing / rechecked > share:
        return (f"{missing} of {rechecked} re-checked pages answered 404/410 (more than {share:.0%}):"
                " nothing marked gone")
    targets = Counter(target for _, target in gone if target is not None)
    if targets:
        target, count = targets.most_common(1)[0]
        if count / rechecked > share:
            return (f"{count} of {rechecked} re-checked pages redirect to {target} (more than {share:.0%}):"
                    " nothing marked gone")
    return None
