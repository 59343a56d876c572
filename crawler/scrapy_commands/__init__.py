"""Scrapy's own commands as a Scrapy user expects them here (scrapy.cfg's project,
COMMANDS_MODULE in crawler/settings.py), each Scrapy's command with one change:

- `shell`, `fetch`, `view`, `parse` and `bench` look at pages and leave nothing behind:
  no database, no images, no raw archive (`parse --pipelines` asks for the pipelines).
- `crawl` with a feed export (`-o`/`-O`) stores only into the feed, unless a database
  is named (PMKZ_DB, or `-s PMKZ_DB=`); either way one line says so.
- `check` runs the spider's contracts against a replica it starts on loopback, unless a
  site is named (`-a base_url=`, PMKZ_BASE_URL, `-s PMKZ_BASE_URL=`) or `--live` asks
  for primeminister.kz.
"""
from __future__ import annotations

import os

from scrapy.settings import SETTINGS_PRIORITIES

# As Scrapy's `check` turns the pipelines off: above the spider's settings, below the
# command line's `-s`, which can set them back.
COMMAND_CHOICE = (SETTINGS_PRIORITIES["spider"] + SETTINGS_PRIORITIES["cmdline"]) // 2


def named(settings, name: str) -> bool:
    """Whether the user set `name` (in the environment, or with `-s`), rather than
    leaving it to its default."""
    return bool(os.environ.get(name)) or settings.getpriority(name) >= SETTINGS_PRIORITIES["cmdline"]


def store_nothing(settings) -> None:
    """No item pipelines (the database and the images) and no raw archive."""
    settings.set("ITEM_PIPELINES", {}, priority=COMMAND_CHOICE)
    settings.set("PMKZ_WARC", False, priority=COMMAND_CHOICE)


class LeavesNothing:
    """For a command that looks at pages: nothing it fetches is stored anywhere, unless
    its own option asks for the pipelines (`parse --pipelines`)."""

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        if not getattr(opts, "pipelines", False):
            store_nothing(self.settings)
