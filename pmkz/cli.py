"""The `pmkz` command-line entry point: one click group, one module per sub-command."""
from __future__ import annotations

import importlib
import os
import sys

import click

from pmkz.commands._errors import CommandError

# Sub-command name -> module under pmkz.commands. Imported lazily so that `pmkz parse`
# does not pay for importing Scrapy and Twisted.
COMMANDS = {
    "crawl": "crawl",
    "replica": "replica",
    "parse": "parse",
    "export": "export",
    "status": "status",
    "daemon": "daemon",
    "serve": "serve",
    "check-live": "check_live",
    "save-page": "save_page",
    "bench": "bench",
    "reparse": "reparse",
    "watch": "watch",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(f"pmkz.commands.{module}").command

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:  # `pmkz nosuch`: one line, like every other error
            raise CommandError(None, exc.format_message(), exc.exit_code) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # `pmkz status | head`: the reader has what it wanted. Quietly, as Python's
            # documentation advises: stdout to /dev/null so that exiting flushes nothing.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:
            # Last resort: an error no command foresaw still ends in one line (CONTRACT.md);
            # PMKZ_DEBUG=1 shows the traceback instead.
            if os.environ.get("PMKZ_DEBUG"):
                raise
            raise CommandError(ctx.invoked_subcommand, f"unexpected {type(exc).__name__}: {exc}") from None


@click.group(cls=LazyGroup)
@click.version_option(package_name="pmkz")
def cli():
    """Archive and monitor the press pages of primeminister.kz.

    \b
    Example:
      pmkz replica --port 8123 &      # an offline copy of the site
      pmkz crawl --base-url http://127.0.0.1:8123 --db data/demo.db
    """
