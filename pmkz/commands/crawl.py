"""`pmkz crawl`: one crawl run into SQLite, ending with a one-line summary."""
from __future__ import annotations

import logging
import signal
import sqlite3
import sys
from pathlib import Path

import click

from pmkz import config
from pmkz.site import LIVE_BASE_URL
from pmkz.commands._errors import CommandError, OneLineErrors

log = logging.getLogger(__name__)


@click.command(cls=OneLineErrors, name="crawl")
@click.option("--base-url", envvar="PMKZ_BASE_URL", default=LIVE_BASE_URL, show_default=True,
              help="Site to crawl: the live site, or a replica's URL.")
@click.option("--db", "db_path", envvar="PMKZ_DB", default="data/pmkz.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="SQLite database to write.")
@click.option("--images-dir", envvar="PMKZ_IMAGES_DIR", default="data/images", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where image originals go.")
@click.option("--lang", "langs", default="ru,kk,en", show_default=True, help="Languages, comma-separated.")
@click.option("--full", is_flag=True, help="Re-check every known page, not just what is new.")
@click.option("--since", help="Only items published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only items published on or before this date (YYYY-MM-DD).")
@click.option("--no-images", is_flag=True, help="Record image URLs but do not download images.")
@click.option("--warc-dir", envvar="PMKZ_WARC_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Where the raw archive's WARC files go (default: warc/ beside the database).")
@click.option("--no-warc", is_flag=True, help="Do not keep the responses as WARC files.")
@click.option("--download-timeout", type=float, metavar="SECONDS",
              help="Give up on an answer after this long (default: $PMKZ_DOWNLOAD_TIMEOUT or 30).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Scrapy's log (default: logs/crawl.log beside the database).")
@click.option("--feeds-dir", envvar="PMKZ_FEEDS_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Where the Atom feeds go (default: beside the database, feeds/ for pmkz.db, <name>-feeds/ for"
                   " any other).")
@click.option("-v", "--verbose", is_flag=True, help="Send Scrapy's log to stderr instead of the log file.")
def command(base_url, db_path, images_dir, langs, full, since, until, no_images, warc_dir, no_warc, download_timeout,
            log_file, feeds_dir, verbose):
    """Crawl the site once into the database.

    \b
    Example:
      pmkz crawl --base-url http://127.0.0.1:8123 --db data/demo.db --lang en
    """
    from pmkz.crawler.run import CrawlError, CrawlOptions, run_crawl

    options = CrawlOptions(
        base_url=base_url.rstrip("/"), db_path=db_path, images_dir=images_dir,
        langs=[part.strip() for part in langs.split(",") if part.strip()],
        full=full, since=since, until=until, images=not no_images, download_timeout=download_timeout,
        warc=not no_warc, warc_dir=warc_dir,
        log_file=None if verbose else (log_file or db_path.parent / "logs" / "crawl.log"),
    )
    try:
        summary = run_crawl(options)
    except CrawlError as error:
        raise CommandError("crawl", str(error)) from None
    stopped = None
    try:
        click.echo(summary.line())
    finally:
        # What the run stored is announced even when the summary cannot be printed (its
        # reader gone: `pmkz crawl | true`); a run that dies before this is announced
        # by the next one (notify/after_run.py).
        if summary.run_id is not None:
            stopped = _notify(db_path, summary.run_id, feeds_dir, base_url, options.langs,
                              deliver=not summary.exit_code, quiet=summary.status == "failed")
    exit_code = summary.exit_code or (128 + stopped if stopped else None)
    if exit_code:
        # Stopped by SIGINT or SIGTERM: 130 or 143, as shells expect of an interrupted command.
        if summary.exit_code:
            why = summary.error if summary.status == "failed" else "the run did not complete"
        else:
            why = "the run was stored; its notifications wait in the outbox for the next run"
        click.echo(f"pmkz crawl: stopped by {signal.Signals(exit_code - 128).name}: {why}", err=True)
        sys.exit(exit_code)
    if summary.status == "failed":
        raise CommandError("crawl", summary.error)


def _notify(db_path, run_id, feeds_dir, base_url, langs, deliver, quiet) -> int | None:
    """Feeds, webhook and channels; their failure is reported but never fails the stored crawl.
    `quiet`: the run failed, and its error is the one line on stderr (a full disk fails
    the feeds too); the log has the rest. Returns the signal that ended delivery, if
    one did."""
    from pmkz.notify import notify_after_run
    from pmkz.notify.feeds import feeds_dir_beside
    from pmkz.notify.render import Links
    from pmkz.storage import StorageError

    env = config.from_env()
    try:
        notified = notify_after_run(
            db_path, run_id, feeds_dir=feeds_dir or feeds_dir_beside(db_path), site_url=base_url.rstrip("/"),
            langs=langs, webhook_url=env.webhook_url, webhook_backoff=env.webhook_backoff,
            notify_urls=env.notify_urls, daily_digest=env.notify_digest == "daily",
            links=Links(env.browse_url), cosmetic=env.notify_cosmetic, deadline_seconds=env.notify_deadline,
            deliver=deliver)
    except (OSError, StorageError, sqlite3.Error) as error:
        log.error("notifications not written: %s", error)
        if not quiet:
            click.echo(f"pmkz crawl: warning: notifications not written: {error}", err=True)
        return None
    if quiet:
        return notified.stopped_by
    for problem in notified.problems:
        click.echo(f"pmkz crawl: warning: left out of the notifications: {problem}", err=True)
    if notified.waiting and deliver and not notified.stopped_by:  # stopped: the exit line says it
        why = (f"the notify deadline of {env.notify_deadline:g} s passed" if notified.deadline_reached
               else "a channel did not take them")
        click.echo(f"pmkz crawl: warning: {why}; {notified.waiting} message(s) wait in"
                   f" {notified.outbox} for the next run", err=True)
    return notified.stopped_by
