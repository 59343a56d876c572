"""`pmkz parse FILE... [--url URL]`: parse saved pages and print their records as JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pmkz.crawler.parsing.pages import parse_page
from pmkz.crawler.parsing.metadata import page_url
from pmkz.crawler.parsing.selectors import KNOWN, load_selectors
from pmkz.commands._errors import OneLineErrors


def _fail(message: str) -> None:
    click.echo(f"pmkz parse: error: {message}", err=True)
    sys.exit(1)


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as error:
        _fail(f"cannot read {file}: {error.strerror or error}")


@click.command(cls=OneLineErrors, name="parse")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--url", help="The page's URL; default: its canonical link or og:url.")
@click.option("--selectors", "selectors_file", type=click.Path(dir_okay=False, path_type=Path),
              envvar="PMKZ_SELECTORS", help="TOML or JSON file of site selectors (as PMKZ_SELECTORS).")
def command(files: tuple[str, ...], url: str | None, selectors_file: Path | None) -> None:
    """Parse saved article or decision pages (`-`: standard input) and print each record as JSON,
    one file's record as an object, several as one JSON line each. No network.

    \b
    Example:
      pmkz parse saved/31656.html --url https://primeminister.kz/ru/news/some-slug-31656
      pmkz parse saved/*.html
      curl -s https://example.org/story | pmkz parse - --url https://example.org/story
    """
    try:
        selectors = load_selectors(selectors_file) if selectors_file else KNOWN
    except ValueError as error:
        _fail(str(error))
    records = []
    for file in files:
        data = _read(file)
        name = "standard input" if file == "-" else file
        page = url or page_url(data)
        if page is None:
            _fail(f"{name} names no URL of its own (no canonical link or og:url); pass --url")
        try:
            records.append(parse_page(data, page, selectors=selectors))
        except ValueError as error:  # NotAnArticle included
            _fail(f"{name}: {error}")
        except Exception as error:  # a parser bug must still end in one line, not a traceback
            _fail(f"{name}: cannot parse ({type(error).__name__}: {error})")
    if len(records) == 1:
        click.echo(json.dumps(records[0], ensure_ascii=False, indent=2))
    else:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
