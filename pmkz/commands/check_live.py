"""`pmkz check-live`: can the parsers still read the site? A list and a few articles
per language, field by field, with the layer that gave each field.

Exit codes: 0 coverage is fine; 1 coverage is low (headline, date or body found on
fewer than --min-coverage of the pages, or a list with no article links); 2 a wrong
option; 3 the site cannot be reached (no network, wrong host): one line on stderr.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pmkz.site import LIVE_BASE_URL, parse_langs
from pmkz.commands._errors import CommandError, OneLineErrors

LOW, USAGE, UNREACHABLE = 1, 2, 3


def _fail(message: str, code: int) -> None:
    raise CommandError("check-live", message, code)


def _print(report, min_coverage: float) -> list[str]:
    from pmkz.crawler.health.live import FIELDS

    click.echo(f"checking {report.base_url}")
    for lang in report.langs:
        where = lang.error or f"{lang.links} article links, next page {lang.next_url or 'none'}"
        click.echo(f"{lang.lang}  {lang.list_url}: {where}")
        for page in lang.pages:
            found = " ".join(f"{name}={page.sources[name]}" for name in FIELDS if name in page.sources)
            said = f"{page.error}{f' ({found})' if found else ''}" if page.error else found
            click.echo(f"    {'FAIL' if page.error else 'ok  '}  {page.url}  {said}")
    for section in report.sections:
        said = section.error or (f"{section.items} item links, next page {section.next_url or 'none'}"
                                 if section.items else "no item links: not followed")
        click.echo(f"{section.lang}  section {section.name}  {section.root_url}: {said}")
        for page in section.pages:
            found = " ".join(f"{name}={layer}" for name, layer in page.sources.items())
            click.echo(f"    {'FAIL' if page.error else 'ok  '}  {page.url}  {page.error or found}")
    checked = len(report.checked)
    click.echo(f"coverage over {checked} article pages:")
    for name in FIELDS:
        share = report.coverage(name)
        layers = ", ".join(f"{layer} {count}" for layer, count in report.layers(name).most_common()) or "-"
        click.echo(f"  {name:<13}{'-' if share is None else f'{share:.0%}':>5}  {layers}")
    problems = report.problems(min_coverage)
    click.echo(f"coverage LOW: {'; '.join(problems)}" if problems else "coverage ok")
    return problems


@click.command(name="check-live", cls=OneLineErrors)
@click.option("--base-url", envvar="PMKZ_BASE_URL", default=LIVE_BASE_URL, show_default=True,
              help="Site to check: the live site, or a replica standing in for it.")
@click.option("--articles", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Article pages to parse per language.")
@click.option("--lang", "langs", default="ru,kk,en", show_default=True, help="Languages, comma-separated.")
@click.option("--selectors", "selectors_file", type=click.Path(dir_okay=False, path_type=Path),
              envvar="PMKZ_SELECTORS", help="TOML or JSON file of site selectors to try (as PMKZ_SELECTORS).")
@click.option("--min-coverage", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="Share of pages that must yield headline, date and body.")
@click.option("--sections", "sections_text", envvar="PMKZ_SECTIONS", default="",
              help="Sections to check beside the news, as PMKZ_SECTIONS: names, or -name to leave one out.")
def command(base_url, articles, langs, selectors_file, min_coverage, sections_text):
    """Fetch each language's news list and its first articles, and report which fields
    the parsers found and from which layer (metadata, selectors, structure); then the
    sections each home page links, with their item links and first item page.

    \b
    Exit: 0 coverage ok, 1 coverage low, 3 site unreachable.
    Example:
      pmkz check-live --articles 5
      pmkz check-live --base-url http://127.0.0.1:8123 --lang en
    """
    from pmkz.crawler.health.fetch import Unreachable
    from pmkz.crawler.health.live import check_site
    from pmkz.crawler.parsing.sections import section_filter
    from pmkz.crawler.parsing.selectors import KNOWN, load_selectors

    try:
        chosen = parse_langs(langs)
    except ValueError as error:
        _fail(f"--lang: {error}", USAGE)
    if not base_url.startswith(("http://", "https://")):
        _fail(f"--base-url must start with http:// or https://, not {base_url!r}", USAGE)
    try:
        selectors = load_selectors(selectors_file) if selectors_file else KNOWN
    except ValueError as error:
        _fail(f"--selectors: {error}", USAGE)
    try:
        sections = section_filter(sections_text)
    except ValueError as error:
        _fail(f"--sections: {error}", USAGE)
    try:
        report = check_site(base_url, chosen, articles, selectors, sections)
    except Unreachable as error:
        _fail(f"{error} (no network, or the site is down)", UNREACHABLE)
    if _print(report, min_coverage):
        sys.exit(LOW)
