"""The benchmark suite behind `pmkz bench`.

Every figure is measured against the offline replica on loopback, in one run, so that
ratios hold on a noisy machine: crawl throughput next to a bare Scrapy spider, parse
cost, date parsing, store cost, peak memory and the cost of an idle cycle. Crawls run
in child processes (a Twisted reactor cannot be restarted); see `bench.suite`.
"""
