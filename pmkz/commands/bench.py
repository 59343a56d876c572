"""`pmkz bench`: the benchmark suite (bench/), as a table or as JSON."""
from __future__ import annotations

import json
import sys

import click


@click.command(name="bench")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of a table.")
@click.option("--quick", is_flag=True, help="Small sizes: a smoke test of the suite, not a measurement.")
@click.option("--real-pages", "real_pages", type=click.Path(file_okay=False, exists=True),
              help="Only this: the parser on a directory of real pages with their true bodies "
                   "(ground-truth.json, html/) or dates (truth.json, pages/), beside trafilatura "
                   "or htmldate on the same pages.")
@click.option("--details", is_flag=True, help="With --real-pages --json: the figures of every page.")
@click.option("--search", "search_only", is_flag=True,
              help="Only this: word-form search against the replica, recall and precision of "
                   "60+ Russian and Kazakh query words before and after, and the p95 of a "
                   "one-word search on 100,000 items.")
def command(as_json, quick, real_pages, details, search_only):
    """Measure crawl throughput, parse, date, store, memory and idle-cycle costs
    against the replica on loopback. A full run takes several minutes.

    \b
    Example:
      pmkz bench            # the table
      pmkz bench --json     # every figure, machine-readable
      pmkz bench --real-pages DIR   # pages with their true bodies (ground-truth.json, html/)
    """
    if real_pages:
        _real_pages(real_pages, as_json, details)
        return
    if search_only:
        _search(as_json, quick)
        return
    from pmkz.bench import suite
    from pmkz.bench.crawls import BenchError
    from pmkz.bench.report import table

    try:
        figures = suite.run(quick=quick, progress=lambda step: click.echo(f"bench: {step}", err=True))
    except (BenchError, RuntimeError, OSError) as error:
        click.echo(f"pmkz bench: error: {error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else table(figures))


def _real_pages(directory, as_json, details):
    from pmkz.bench import real_pages

    try:
        figures = real_pages.run(directory, progress=lambda step: click.echo(f"bench: {step}", err=True),
                                 details=details)
    except real_pages.RealPagesError as error:
        click.echo(f"pmkz bench: error: {error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else real_pages.table(figures))


def _search(as_json, quick):
    import subprocess
    import tempfile
    from pathlib import Path

    from pmkz.bench import search

    with tempfile.TemporaryDirectory(prefix="pmkz-bench-search-") as work:
        try:
            figures = search.run(Path(work), articles=20 if quick else 300,
                                 cost_items=2_000 if quick else 100_000,
                                 progress=lambda step: click.echo(f"bench: {step}", err=True))
        except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
            click.echo(f"pmkz bench: error: {error}", err=True)
            sys.exit(1)
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else search.table(figures))
