"""`pmkz replica`: serve the offline replica of primeminister.kz, or print its truth."""
from __future__ import annotations

import json
import signal
import sys
import threading
from urllib.parse import urlsplit

import click

from pmkz.replica import build_site, faults, truth_records
from pmkz.replica.corpus import MAX_ARTICLES, PER_DAY
from pmkz.replica.decisions import DEFAULT_DECISIONS, MAX_DECISIONS
from pmkz.replica.render import skins
from pmkz.replica.server import ReplicaServer


def fail(ctx: click.Context, message: str):
    click.echo(f"pmkz replica: error: {message}", err=True)
    ctx.exit(2)


class OneLineErrors(click.Command):
    """Usage errors as one line on stderr, like every error of this command."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            fail(ctx, error.format_message())


def serve(server: ReplicaServer) -> None:
    """Announce the base URL, serve until SIGTERM or SIGINT, then close the socket."""
    stop = threading.Event()
    # Handlers first: whoever reads the URL may stop the server the next instant.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # A short poll interval: shutdown() waits for it, and tests start and stop many replicas.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    click.echo(server.base_url)
    sys.stdout.flush()
    stop.wait()
    server.shutdown()
    server.server_close()


@click.command(cls=OneLineErrors)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8123, show_default=True, help="Port; 0 picks a free one.")
@click.option("--articles", type=int, default=300, show_default=True, help="Articles per language.")
@click.option("--epoch", type=int, default=0, show_default=True, help="Days of history after the first: each publishes 3, edits 2, removes 1 per language.")
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed, another site.")
@click.option("--per-day", type=float, default=PER_DAY, show_default=True,
              help="Articles a day per language up to now (a fifth reach back to 2016); 0 spreads all evenly over ten years.")
@click.option("--decisions", type=int, default=DEFAULT_DECISIONS, show_default=True,
              help="Government decisions per language, each with attached files (PDF, DOCX); the first is the real decree 19.01.2024 No. 20.")
@click.option("--skin", default="modern", show_default=True, help=f"Page markup: {', '.join(skins())}.")
@click.option("--faults", "fault_spec", default="", metavar="SPEC",
              help="Comma-separated KIND=RATE, e.g. 500=0.1,slow=0.05. Kinds: " + ", ".join(faults.KINDS) + ".")
@click.option("--slow-seconds", type=float, default=20.0, show_default=True,
              help="How long a `slow` fault keeps the client waiting: past its download timeout.")
@click.option("--dump-truth", is_flag=True,
              help="Print the records the replica holds as JSON lines and exit. Pages that "
                   "--faults makes fail for good (loop, huge) are left out: no crawl can store them.")
@click.pass_context
def command(ctx, host, port, articles, epoch, seed, per_day, decisions, skin, fault_spec, slow_seconds, dump_truth):
    """Serve a deterministic offline replica of primeminister.kz on loopback.

    The first line on stdout is the base URL; it serves until stopped (SIGTERM, Ctrl-C).

    \b
    Example:
      pmkz replica --port 0 --articles 50 --epoch 2
      pmkz replica --port 0 --faults 500=0.1,reset=0.05,charset=0.1 --slow-seconds 5
      pmkz replica --dump-truth --articles 50 | head -1
    """
    if not 0 <= articles <= MAX_ARTICLES:
        fail(ctx, f"--articles must be between 0 and {MAX_ARTICLES}, not {articles}")
    if epoch < 0:
        fail(ctx, f"--epoch must be 0 or more, not {epoch}")
    if not 0 <= per_day <= 1000:
        fail(ctx, f"--per-day must be between 0 and 1000, not {per_day:g}")
    if not 0 <= decisions <= MAX_DECISIONS:
        fail(ctx, f"--decisions must be between 0 and {MAX_DECISIONS}, not {decisions}")
    if skin not in skins():
        fail(ctx, f"unknown --skin {skin!r} (known: {', '.join(skins())})")
    if not 0 <= port <= 65535:
        fail(ctx, f"--port must be between 0 and 65535, not {port}")
    if not slow_seconds > 0:
        fail(ctx, f"--slow-seconds must be more than 0, not {slow_seconds}")
    try:
        fault_rates = faults.parse(fault_spec)
    except ValueError as error:
        fail(ctx, f"--faults: {error}")
    site = build_site(articles, epoch, seed, per_day, decisions)
    if dump_truth:
        out = sys.stdout.buffer
        fatal = faults.Faults(fault_rates, seed).fatal
        for record in truth_records(site, f"http://{host}:{port}", skin):
            if not fatal(urlsplit(record["url"]).path):
                out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
        return
    try:
        server = ReplicaServer(host, port, site, skin, fault_rates, slow_seconds)
    except OSError as error:
        fail(ctx, f"cannot listen on {host}:{port}: {error.strerror or error}")
    serve(server)
