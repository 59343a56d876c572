"""`pmkz status` and the report behind it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from pmkz.cli import cli
from pmkz.commands.status import render
from pmkz.storage import Store
from pmkz.storage.report import age, status_report

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=timezone.utc)


def record(n: int, lang: str, day: str, at: str | None = None) -> dict:
    return {"url": f"http://h/{lang}/news/x-{n}", "site_id": n, "lang": lang, "kind": "news",
            "category": None, "title": f"T{n}", "published_date": day, "published_at": at,
            "summary": None, "body": "B.", "image_urls": []}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        run = store.start_run("http://h", "full", now="2024-03-12T10:00:00+00:00")
        store.save_item(record(1, "ru", "2024-03-09", "2024-03-09T14:35:00+05:00"))
        store.save_item(record(2, "ru", "2024-03-01"))
        store.save_item(record(3, "kk", "2024-03-05"))
        store.mark_gone("http://h/ru/news/x-2")
        store.record_failure("http://h/en/news/bad-9", "parse", "no headline", run_id=run,
                             now="2024-03-12T10:01:00+00:00")
        store.finish_run(run, "ok", {"new": 3, "gone": 1, "failed": 1}, 42,
                         now="2024-03-12T10:05:00+00:00")
        store.start_run("http://h", "incremental", now="2024-03-12T11:00:00+00:00")
    return path


def test_report_collects_runs_items_newest_and_failures(db_path):
    report = status_report(db_path)
    assert [run["status"] for run in report["runs"]] == ["running", "ok"]
    assert report["items"] == {"kk": {"live": 1}, "ru": {"gone": 1, "live": 1}}
    assert report["newest"] == ("2024-03-09", "2024-03-09T14:35:00+05:00")
    assert report["failure_count"] == 1
    assert report["oldest_failures"][0]["url"] == "http://h/en/news/bad-9"


def test_rendered_report(db_path):
    lines = render(status_report(db_path), now=NOW)
    text = "\n".join(lines)
    assert lines[1].split() == ["started", "ended", "status", "requests",
                                "new", "changed", "unchanged", "gone", "failed"]
    assert lines[3].split() == ["2024-03-12T10:00:00+00:00", "2024-03-12T10:05:00+00:00",
                                "ok", "42", "3", "0", "0", "1", "1"]
    assert "  kk: 1 live" in lines and "  ru: 1 gone, 1 live" in lines
    assert "Newest published item: 2024-03-09T14:35:00+05:00 (3 days 2 hours ago)" in text
    assert "Failures waiting for retry: 1" in text
    assert "parse  1x  http://h/en/news/bad-9  no headline" in text


def test_age():
    assert age("2024-03-10", None, NOW) == "2 days"
    assert age("2024-03-12", "2024-03-12T16:59:00+05:00", NOW) == "1 minute"
    assert age("2024-03-12", "2024-03-12T14:00:00+05:00", NOW) == "3 hours 0 minutes"


def test_status_command(db_path):
    result = CliRunner().invoke(cli, ["status", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Last runs (newest first):\n")
    assert "Failures waiting for retry: 1" in result.stdout


def test_status_of_an_empty_database(tmp_path):
    Store(tmp_path / "empty.db").close()
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("none yet") == 2
    assert "Failures waiting for retry: 0" in result.stdout


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.db", "no database at "),
    (lambda tmp: tmp, "is not a database file"),
    (lambda tmp: (tmp / "t.db").write_text("words " * 50) and tmp / "t.db",
     "is not an SQLite database"),
    (lambda tmp: (tmp / "empty.db").touch() or tmp / "empty.db", "not a pmkz database"),
])
def test_bad_databases_give_one_line_and_create_nothing(tmp_path, make, message):
    path = make(tmp_path)
    before = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["status", "--db", str(path)])
    assert result.exit_code != 0
    assert result.stderr.startswith("pmkz status: error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(tmp_path.iterdir()) == before


def test_check_times_in_the_future_are_reported_apart_never_as_done(tmp_path):
    """After a crawl with the clock ahead, status does not count those checks as recent."""
    now = datetime.now(timezone.utc)
    with Store(tmp_path / "pmkz.db") as store:
        for n, checked in enumerate([now - timedelta(hours=2), now + timedelta(days=30),
                                     now + timedelta(minutes=5), now - timedelta(days=3)]):
            store.save_item(record(n, "ru", "2024-03-01"), now=now - timedelta(days=3))
            store.record_check(f"http://h/ru/news/x-{n}", now=checked)
    report = status_report(tmp_path / "pmkz.db")
    assert report["revisits"] == {"items": 4, "checked_since": 1, "checked_in_future": 2, "checked_last_hour": 0,
                                  "oldest_check": (now - timedelta(days=3)).replace(microsecond=0).isoformat()}
    lines = render(report)
    assert "  checked in the last day: 1 of 4" in lines
    assert "  2 items have check times in the future (clock jumped?): re-checked first" in lines
    assert "  budget in use: 0 of 900 requests in the last hour" in lines


def test_status_shows_the_sweep_over_the_archive_and_the_budget(tmp_path, monkeypatch):
    # 45 old items, one edited by a fetch yesterday (every 3 hours: half a request an
    # hour), at 10 requests an hour: a sweep every 45 / 9.5 hours.
    now = datetime.now(timezone.utc)
    monkeypatch.setattr("pmkz.crawler.settings.PMKZ_REVISIT_BUDGET", 10)
    with Store(tmp_path / "pmkz.db") as store:
        for n in range(45):
            store.save_item(record(n, "ru", "2024-03-01"), now=now - timedelta(days=3))
            store.record_check(f"http://h/ru/news/x-{n}", now=now - timedelta(hours=n))
        store.save_item({**record(7, "ru", "2024-03-01"), "body": "Edited."}, now=now - timedelta(days=1))
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "pmkz.db")])
    assert result.exit_code == 0, result.output
    assert f"  every item re-checked within: {45 / 9.5:.1f} hours" in result.stdout
    assert "  stalest item last checked: " + (now - timedelta(hours=44)).replace(microsecond=0).isoformat() \
        in result.stdout
