"""`pmkz bench`: the benchmark suite (bench/), as a table or as JSON."""
from __future__ import annotations

import json
import sys

import click


@click.command(name="bench")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of a table.")
@click.option("--quick", is_flag=True, help="Small sizes: a smoke test of the suite, not a measurement.")
def command(as_json, quick):
    """Measure crawl throughput, parse, date, store, memory and idle-cycle costs
    against the replica on loopback. A full run takes several minutes.

    \b
    Example:
      pmkz bench            # the table
      pmkz bench --json     # every figure, machine-readable
    """
    from pmkz.bench import suite
    from pmkz.bench.crawls import BenchError
    from pmkz.bench.report import table

    try:
        figures = suite.run(quick=quick, progress=lambda step: click.echo(f"bench: {step}", err=True))
    except (BenchError, RuntimeError, OSError) as error:
        click.echo(f"pmkz bench: error: {error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else table(figures))
