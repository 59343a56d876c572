from scrapy.commands import shell

from pmkz.crawler.scrapy_commands import LeavesNothing


class Command(LeavesNothing, shell.Command):
    pass
