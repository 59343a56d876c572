"""The Scrapy project: settings, items, the news spider and its pipelines.

Parsing lives in crawler.parsing and imports nothing from Scrapy.
"""
