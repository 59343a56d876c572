"""Run health, as spidermon does it but local: what a run yielded, judged by thresholds.

`figures` counts what the spider saw into the crawl stats, `checks` holds one small
named check per threshold setting, `verdict` judges a finished run against them and
its recent predecessors and marks it `degraded` with its reasons.
"""
from pmkz.crawler.health.figures import (count_fetch_failure, count_list_page, count_page,
                                    count_parse_failure, figures_from_stats)

__all__ = ["count_fetch_failure", "count_list_page", "count_page", "count_parse_failure", "figures_from_stats"]
