"""The monitoring daemon: APScheduler jobs that run each crawl in its own process."""
