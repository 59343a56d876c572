"""The `pmkz` command-line entry point: one click group, one module per sub-command."""
from __future__ import annotations

import importlib

import click

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
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(f"pmkz.commands.{module}").command


@click.group(cls=LazyGroup)
@click.version_option(package_name="pmkz")
def cli():
    """Archive and monitor the press pages of primeminister.kz.

    \b
    Example:
      pmkz replica --port 8123 &      # an offline copy of the site
      pmkz crawl --base-url http://127.0.0.1:8123 --db data/demo.db
    """
