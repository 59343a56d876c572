"""`pmkz status`: the last crawl runs, what the archive holds, what waits for retry."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import click

from pmkz.commands._errors import CommandError, OneLineErrors
from pmkz.commands.export import db_option
from pmkz.storage import StorageError, sitemaps
from pmkz.storage.report import age, status_report
from pmkz.crawler import revisit

RUN_COLUMNS = ("started", "ended", "status", "requests",
               "new", "changed", "unchanged", "gone", "failed")


@click.command(cls=OneLineErrors, name="status")
@db_option
@click.option("--warc-dir", envvar="PMKZ_WARC_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Where the WARC files are (default: warc/ beside the database).")
def command(db, warc_dir):
    """Show the last crawl runs and what they found.

    \b
    Example:
      pmkz status --db data/demo.db
    """
    damage = _damage(db)
    if damage:
        click.echo(f"pmkz status: warning: {damage}", err=True)
    try:
        report = status_report(db, warc_dir=warc_dir, sweep=_sweep_hours)
        report["sitemaps"] = _sitemaps(db)
    except StorageError as exc:
        raise CommandError("status", str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise CommandError("status", damage or f"cannot read {db}: {exc}") from None
    for line in render(report):
        click.echo(line)


def _damage(db) -> str | None:
    """What PRAGMA quick_check finds wrong with the file (status reads on if it can)."""
    from pmkz.storage.connect import check_intact, open_for_reading

    try:
        opened = open_for_reading(db)
    except (StorageError, sqlite3.DatabaseError):
        return None  # status_report says what is wrong, in its own words
    try:
        check_intact(opened, db)
    except StorageError as exc:
        return str(exc)
    finally:
        opened.close()
    return None


def render(report: dict, now=None) -> list[str]:
    """The report as lines of text; `now` (an aware datetime) is for tests."""
    lines = ["Last runs (newest first):"]
    if report["runs"]:
        rows = [[_cell(run[c]) for c in RUN_COLUMNS] for run in report["runs"]]
        lines += _table(RUN_COLUMNS, rows)
        lines += [f"  run {run['id']} error: {run['error']}"
                  for run in report["runs"] if run["error"]]
    else:
        lines.append("  none yet")
    lines.append("Items:")
    for lang, counts in report["items"].items():
        lines.append(f"  {lang}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if not report["items"]:
        lines.append("  none yet")
    if report["newest"]:
        published_date, published_at = report["newest"]
        lines.append(f"Newest published item: {published_at or published_date}"
                     f" ({age(published_date, published_at, now)} ago)")
    lines += _revisit_lines(report.get("revisits"))
    lines += _sitemap_lines(report.get("sitemaps"))
    lines += _capture_lines(report.get("captures"))
    lines.append(f"Failures waiting for retry: {report['failure_count']}")
    for failure in report["oldest_failures"]:
        lines.append(f"  since {failure['first_failed']}  {failure['kind']}"
                     f"  {failure['attempts']}x  {failure['url']}  {failure['error']}")
    return lines


def _capture_lines(counts: tuple[int, int] | None) -> list[str]:
    """The raw archive: how many captures cannot be read (file missing or cut short)."""
    if not counts or not counts[0]:
        return []
    total, lost = counts
    tail = f", {lost} cannot be read (WARC file missing or cut short)" if lost else ", all in their WARC files"
    return [f"Raw archive: {total} captures{tail}"]


def _policy() -> revisit.Policy:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("pmkz.crawler.settings")
    return revisit.policy_from(settings)


def _sweep_hours(rows) -> float:
    """The sweep's limit (N / B) over the stored revisit states `rows`."""
    now = datetime.now(timezone.utc)
    return revisit.sweep_hours((revisit.item_state(*row) for row in rows), now, _policy())


def _revisit_lines(state: dict | None) -> list[str]:
    """The revisit schedule (crawler/revisit.py): how far the re-checks have come."""
    if not state or not state["items"]:
        return []
    policy = _policy()
    future = state["checked_in_future"]
    hours = state.get("sweep_hours")
    return [
        "Revisits:",
        f"  checked in the last day: {state['checked_since']} of {state['items']}",
        f"  stalest item last checked: {_cell(state['oldest_check'])}",
        *([f"  {future} {'item has a check time' if future == 1 else 'items have check times'} in the future"
           " (clock jumped?): re-checked first"] if future else []),
        *([f"  every item re-checked within: {hours:.1f} hours (items / the budget left after the young)"
           + (" (the period's bound: the budget is too small)" if hours >= policy.period.total_seconds() / 3600
              else "")] if hours is not None else []),
        f"  budget in use: {state['checked_last_hour']} of {policy.budget} requests in the last hour",
    ]


def _sitemaps(db) -> dict | None:
    from pmkz.storage.connect import open_for_reading

    opened = open_for_reading(db)
    try:
        return sitemaps.summary(opened)
    finally:
        opened.close()


def _sitemap_lines(state: dict | None) -> list[str]:
    """The site's sitemaps (crawler/sitemaps.py): when they last answered, and what they list."""
    if not state:
        return ["Sitemaps: none read (the site has none, or no run has looked yet)"]
    return [f"Sitemaps: {state['sitemaps']}, last answered {state['answered']}, last read in full"
            f" {_cell(state['read'])}; {state['pages']} article pages listed"]


def _cell(value) -> str:
    return "-" if value is None else str(value)


def _table(headers, rows) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
            for line in [list(headers), *rows]]
