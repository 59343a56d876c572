from scrapy.commands import parse

from pmkz.crawler.scrapy_commands import LeavesNothing


class Command(LeavesNothing, parse.Command):
    """Items go through the pipelines, into the database, only with `--pipelines`."""
