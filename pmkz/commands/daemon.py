"""`pmkz daemon`: re-crawl on schedule until stopped (SIGTERM or Ctrl-C)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from pmkz.commands._errors import OneLineErrors


@click.command(cls=OneLineErrors, name="daemon")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="PMKZ_DAEMON_CONFIG", help="TOML file (see scheduler/config.py); defaults apply without one.")
def command(config_path):
    """Crawl every 15 minutes and re-check everything daily, as configured.

    \b
    Example:
      pmkz daemon --config pmkz-daemon.toml
    """
    from pmkz.scheduler.config import ConfigError, load
    from pmkz.scheduler.daemon import Daemon

    try:
        config = load(config_path)
    except ConfigError as error:
        click.echo(f"pmkz daemon: error: {error}", err=True)
        sys.exit(1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    Daemon(config).run()
