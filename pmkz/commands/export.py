"""`pmkz export`: write stored items as JSON lines, CSV, or one text file per item.

Also home of `--db`, shared by the read-only commands.
"""
from __future__ import annotations

import os
import sys

import click

from pmkz.commands._errors import CommandError, OneLineErrors
from pmkz.config import from_env
from pmkz.storage import StorageError
from pmkz.storage.export import export_items


def db_option(func):
    """`--db PATH`, defaulting to $PMKZ_DB or data/pmkz.db (pmkz/config.py)."""
    return click.option(
        "--db", envvar="PMKZ_DB", show_envvar=True, metavar="PATH",
        default=lambda: str(from_env().db_path),
        help="The database (default data/pmkz.db).",
    )(func)


@click.command(cls=OneLineErrors, name="export")
@click.option("--format", "fmt", required=True, metavar="jsonl|csv|txt|warc",
              help="jsonl: one object per line; csv: with a header; txt: a file per item;"
                   " warc: the archived responses of the items and their images, one WARC file.")
@db_option
@click.option("--out", metavar="PATH",
              help="Output file (jsonl, csv; default stdout) or directory (txt).")
@click.option("--lang", metavar="L", help="Only these languages, comma-separated like crawl's: ru,kk.")
@click.option("--since", metavar="DATE", help="Only items published on or after YYYY-MM-DD.")
@click.option("--until", metavar="DATE", help="Only items published on or before YYYY-MM-DD.")
@click.option("--with-url", is_flag=True,
              help="txt: a second header line `url <source URL>` under the date line.")
@click.option("--warc-dir", envvar="PMKZ_WARC_DIR", metavar="DIR",
              help="Where the crawl's WARC files are, for --format warc (default: warc/ beside the database).")
def command(fmt, db, out, lang, since, until, with_url, warc_dir):
    """Write stored items, newest first.

    \b
    Example:
      pmkz export --format jsonl --lang ru,kk --since 2024-03-01 --until 2024-03-31 > march.jsonl
      pmkz export --format txt --with-url --out export/    # export/ru/2024-03-09-30371.txt ...
    """
    if fmt == "warc":
        _export_warc(db, out, lang, since, until, warc_dir)
        return
    try:
        count = export_items(db, fmt, out, lang=lang, since=since, until=until, with_url=with_url)
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, and keep Python's exit-time
        # flush of stdout from printing its own traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except StorageError as exc:
        raise CommandError("export", str(exc)) from None
    if out not in (None, "-"):
        click.echo(f"{count} items written to {out}")


def _export_warc(db, out, lang, since, until, warc_dir):
    """The captures of the chosen items as one WARC file (storage/export/warc.py)."""
    from pathlib import Path

    from pmkz.storage.export import export_warc

    try:
        count = export_warc(Path(db), Path(warc_dir) if warc_dir else Path(db).resolve().parent / "warc",
                            out, lang=lang, since=since, until=until)
    except StorageError as exc:
        raise CommandError("export", str(exc)) from None
    if out not in (None, "-"):
        click.echo(f"{count} records written to {out}")
