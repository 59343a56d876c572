from scrapy.commands import view

from pmkz.crawler.scrapy_commands import LeavesNothing


class Command(LeavesNothing, view.Command):
    pass
