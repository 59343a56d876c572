"""`pmkz reparse`: re-derive stored records from the archived responses, offline."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pmkz.commands._errors import CommandError, OneLineErrors
from pmkz.commands.export import db_option
from pmkz.site import LANGUAGES


@click.command(cls=OneLineErrors, name="reparse")
@db_option
@click.option("--warc-dir", envvar="PMKZ_WARC_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Where the WARC files are (default: warc/ beside the database).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Only pages of this language.")
@click.option("--since", metavar="DATE", help="Only items published on or after YYYY-MM-DD.")
@click.option("--until", metavar="DATE", help="Only items published on or before YYYY-MM-DD.")
@click.option("--url", metavar="URL", help="Only this page.")
@click.option("--selectors", "selectors_file", type=click.Path(dir_okay=False, path_type=Path),
              envvar="PMKZ_SELECTORS", help="TOML or JSON file of site selectors (as PMKZ_SELECTORS).")
def command(db, warc_dir, lang, since, until, url, selectors_file):
    """Parse the newest archived response of each stored page again, with the parsers
    and selectors in force now; no network. A record that comes out different is stored
    as a new version marked `reparsed`; running it again changes nothing. Exits 1 when a
    page cannot be re-parsed (its archived answer unreadable, or not an article).

    \b
    Example:
      pmkz reparse --db data/pmkz.db --lang ru --since 2024-03-01
    """
    from datetime import date

    from pmkz.crawler.parsing.selectors import KNOWN, load_selectors
    from pmkz.crawler.reparse import reparse
    from pmkz.storage import StorageError

    for name, value in (("--since", since), ("--until", until)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise CommandError("reparse", f"{name} must be a date YYYY-MM-DD, not {value!r}") from None
    db_path = Path(db)
    if not db_path.is_file():
        raise CommandError("reparse", f"no database at {db_path}")
    warc_dir = warc_dir or db_path.resolve().parent / "warc"
    if not warc_dir.is_dir():
        raise CommandError("reparse", f"no WARC files at {warc_dir}; give their folder with --warc-dir or PMKZ_WARC_DIR")
    try:
        selectors = load_selectors(selectors_file) if selectors_file else KNOWN
    except (OSError, ValueError) as error:
        raise CommandError("reparse", str(error)) from None
    try:
        summary = reparse(db_path, warc_dir, lang=lang, since=since, until=until, url=url,
                          selectors=selectors, progress=_progress if sys.stderr.isatty() else _quiet)
    except StorageError as error:
        raise CommandError("reparse", str(error)) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(summary.line())
    if summary.failed:
        raise CommandError("reparse", f"{summary.failed} of {summary.pages} pages could not be re-parsed and keep"
                                      f" their stored records (first: {summary.first_failure})")


def _progress(done: int, total: int, seconds: float) -> None:
    rate = done / seconds if seconds > 0 else 0.0
    click.echo(f"\r{done}/{total} pages, {rate:.0f} pages/s", err=True, nl=False)


def _quiet(done: int, total: int, seconds: float) -> None:
    pass
