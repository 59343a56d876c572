import logging

from scrapy.commands import crawl

from pmkz.crawler.scrapy_commands import named, store_nothing

logger = logging.getLogger(__name__)


class Command(crawl.Command):
    """A feed export (`-o`/`-O`) is what the user asked for: the database, its images and
    the raw archive are written too only when a database is named."""

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        self.feed = bool(opts.output or opts.overwrite_output)
        self.storing = not self.feed or named(self.settings, "PMKZ_DB")
        if not self.storing:
            store_nothing(self.settings)

    def run(self, args, opts) -> None:
        if self.feed and self.storing:
            logger.info("Also storing into %s, with its images and raw archive (PMKZ_DB)", self.settings["PMKZ_DB"])
        elif self.feed:
            logger.info("Storing into the feed only: no database, images or raw archive"
                        " (PMKZ_DB or -s PMKZ_DB=PATH stores there too)")
        super().run(args, opts)
