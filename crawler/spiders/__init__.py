"""Spiders of the pmkz Scrapy project."""
