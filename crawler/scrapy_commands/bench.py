from scrapy.commands import bench

from pmkz.crawler.scrapy_commands import LeavesNothing


class Command(LeavesNothing, bench.Command):
    pass
