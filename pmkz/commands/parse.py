"""`pmkz parse FILE [--url URL]`: parse one saved page and print its record as JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pmkz.crawler.parsing import parse_article
from pmkz.crawler.parsing.metadata import page_url
from pmkz.commands._errors import OneLineErrors


def _fail(message: str) -> None:
    click.echo(f"pmkz parse: error: {message}", err=True)
    sys.exit(1)


@click.command(cls=OneLineErrors, name="parse")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--url", help="The page's URL; default: its canonical link or og:url.")
def command(file: Path, url: str | None) -> None:
    """Parse one saved article page and print its record as JSON. No network.

    \b
    Example:
      pmkz parse saved/31656.html --url https://primeminister.kz/ru/news/some-slug-31656
    """
    try:
        data = file.read_bytes()
    except OSError as error:
        _fail(f"cannot read {file}: {error.strerror or error}")
    if url is None:
        url = page_url(data)
        if url is None:
            _fail(f"{file} names no URL of its own (no canonical link or og:url); pass --url")
    try:
        record = parse_article(data, url)
    except ValueError as error:  # NotAnArticle included
        _fail(f"{file}: {error}")
    except Exception as error:  # a parser bug must still end in one line, not a traceback
        _fail(f"{file}: cannot parse ({type(error).__name__}: {error})")
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))
