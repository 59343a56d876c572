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


def test_status_shows_when_the_sitemaps_were_read_and_what_they_list(tmp_path):
    from pmkz.commands.status import _sitemaps
    from pmkz.storage import Store, sitemaps

    with Store(tmp_path / "pmkz.db") as store:
        assert sitemaps.summary(store.db) is None
        sitemaps.record_read(store.db, "http://s/sitemap.xml", parent=None, kind="urlset", entries=2,
                             etag='"e"', last_modified=None, now="2026-11-01T10:00:00+00:00")
        sitemaps.record_unchanged(store.db, "http://s/sitemap.xml", "2026-11-01T11:00:00+00:00")
        sitemaps.save_pages(store.db, [("http://s/ru/news/a-1", None), ("http://s/ru/news/b-2", "2026-10-01")],
                            "http://s/sitemap.xml", "2026-11-01T10:00:00+00:00")
    report = {"runs": [], "items": {}, "newest": None, "failure_count": 0, "oldest_failures": [],
              "sitemaps": _sitemaps(tmp_path / "pmkz.db")}
    assert ("Sitemaps: 1, last answered 2026-11-01T11:00:00+00:00, last read in full 2026-11-01T10:00:00+00:00;"
            " 2 article pages listed") in render(report)
    assert "Sitemaps: none read (the site has none, or no run has looked yet)" in render({**report, "sitemaps": None})
