from scrapy.commands import fetch

from pmkz.crawler.scrapy_commands import LeavesNothing


class Command(LeavesNothing, fetch.Command):
    pass
