"""`pmkz status` shows how far the revisit schedule has come."""
from __future__ import annotations

from pmkz.commands.status import render


def test_status_shows_the_revisit_state():
    report = {"runs": [], "items": {"ru": {"live": 3000}}, "newest": None, "failure_count": 0,
              "oldest_failures": [],
              "revisits": {"items": 3000, "oldest_check": "2026-11-01T10:00:00+00:00",
                           "checked_since": 512, "checked_last_hour": 40, "checked_in_future": 0,
                           "sweep_hours": 3.4}}
    lines = render(report)
    assert "Revisits:" in lines
    assert "  checked in the last day: 512 of 3000" in lines
    assert "  stalest item last checked: 2026-11-01T10:00:00+00:00" in lines
    assert "  every item re-checked within: 3.4 hours (items / the budget left after the young)" in lines
    assert "  budget in use: 40 of 900 requests in the last hour" in lines
