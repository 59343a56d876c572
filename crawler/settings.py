"""Scrapy settings for pmkz. Paths and target come from the environment (pmkz.config),
and so do the careful-client limits below (timeouts, retries, image hosts).

`scrapy crawl news` reads this module through scrapy.cfg; `pmkz crawl` loads it and
overrides the target, paths and log destination from its options.
"""
import math
import os

from scrapy.settings import default_settings

from pmkz import config
from pmkz.site import LANGUAGES, MAX_ANSWER_BYTES
from pmkz.crawler.politeness import rate_settings
from pmkz.crawler.parsing.sections import section_filter


# No limit of ours is meaningful past a year of seconds: larger is a typo (or inf).
MAX_SETTING = 366 * 24 * 3600


def _number(name: str, default: float, integer: bool = False) -> float:
    """A positive number from the environment; a bad one stops the crawl before it starts."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = -1
    days = name.endswith("_DAYS")
    most = MAX_SETTING // (24 * 3600) if days else MAX_SETTING
    if not math.isfinite(value) or value > most or value < 0 or (value == 0 and not integer):
        kind = "a whole number, 0 or more" if integer else f"a number of {'days' if days else 'seconds'} above 0"
        if value >= 0:  # too large, inf or nan
            kind += f" and at most {most}"
        raise ValueError(f"{name} must be {kind}, not {raw!r}")
    return value


_env = config.from_env()

BOT_NAME = "pmkz"
SPIDER_MODULES = ["pmkz.crawler.spiders"]
NEWSPIDER_MODULE = "pmkz.crawler.spiders"

PMKZ_BASE_URL = _env.base_url
PMKZ_DB = str(_env.db_path)
PMKZ_LANGS = list(LANGUAGES)
# The sections beside the news to follow (crawler/sections.py): names, or names with a
# leading `-` to leave out; empty follows every section the menus lead to items from.
PMKZ_SECTIONS = os.environ.get("PMKZ_SECTIONS", "")
section_filter(PMKZ_SECTIONS)  # a bad name stops the crawl before anything is fetched

# An honest User-Agent: who we are and what we do, so the site's admins can tell.
USER_AGENT = "pmkz/0.1 (press-release archiver; +https://pypi.org/project/pmkz/)"
locals().update(rate_settings(PMKZ_BASE_URL))

# A careful client (crawler/middlewares/): every limit can be set from the environment.
DOWNLOAD_TIMEOUT = _number("PMKZ_DOWNLOAD_TIMEOUT", 30.0)
# Press pages are tens of KB; anything this large is not a press page (nor read back
# from the raw archive, storage/warc/).
DOWNLOAD_MAXSIZE = MAX_ANSWER_BYTES
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A body shorter than its Content-Length is an error (then retried), never a page.
DOWNLOAD_FAIL_ON_DATALOSS = True
RETRY_ENABLED = True
RETRY_TIMES = _number("PMKZ_RETRY_TIMES", 3, integer=True)
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The first retry waits PMKZ_RETRY_BACKOFF (crawler/politeness.py), each further one twice
# as long; Retry-After wins when longer, and a server asking for more than this is left
# for the next run.
PMKZ_MAX_RETRY_WAIT = _number("PMKZ_MAX_RETRY_WAIT", 60.0)
REDIRECT_MAX_TIMES = 5
# Hosts images may come from (comma-separated); empty means the base URL's host.
PMKZ_IMAGE_HOSTS = [h for h in os.environ.get("PMKZ_IMAGE_HOSTS", "").split(",") if h.strip()]
DOWNLOADER_MIDDLEWARES = {
    "pmkz.crawler.middlewares.hosts.SiteHostsOnly": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pmkz.crawler.middlewares.retry.CarefulRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "pmkz.crawler.middlewares.redirects.LoopRefusingMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "pmkz.crawler.middlewares.redirects.LoopRefusingRedirectMiddleware": 600,
    # Next to the downloader: every answer as received, before retries and redirects.
    "pmkz.crawler.middlewares.archive.ArchiveMiddleware": 950,
}
COOKIES_ENABLED = False
# No consoles into a running crawl: Scrapy's telnet console, and its remote control
# (an HTTP server that runs code, announced by a job file under ~/.local/state/scrapy
# that a killed crawl leaves behind).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Scrapy imports every component its defaults name, even one set to None, to merge the
# two dicts; these three are off for good here, so they leave Scrapy's own defaults
# (every other default component, a new one included, stays). The cookies middleware's
# tldextract and the remote control's aiohttp were 0.15 s of every crawl process's start.
_NEVER_LOADED = ("scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
                 "scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
DOWNLOADER_MIDDLEWARES_BASE = {path: order for path, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
                               if path not in _NEVER_LOADED}
EXTENSIONS_BASE = {path: order for path, order in default_settings.EXTENSIONS_BASE.items()
                   if path not in _NEVER_LOADED}
# Scrapy starts this many worker tasks for the output of every response (default 100).
# A page yields one item or a list's ~20 requests, so 8 lose nothing and save the CPU
# of starting the rest for every page.
CONCURRENT_ITEMS = 8
# Scrapy reads a callback's source (inspect, ast) to warn of a generator that returns a
# value, and its cache of the answer keeps bound methods only weakly: a few percent of a
# crawl's CPU, for a mistake tests/test_crawl_run.py looks for in the spider instead.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Scrapy's own commands, each with what a Scrapy user expects of it here: `check` offline,
# `shell` and the like leaving nothing behind, a feed export stored only where asked.
COMMANDS_MODULE = "pmkz.crawler.scrapy_commands"
# `scrapy check news`: contracts by path on the base URL (crawler/contracts.py).
SPIDER_CONTRACTS = {"pmkz.crawler.contracts.SitePathContract": 10}
# Feed exports hold article items only (crawler/feed_filter.py).
ADDONS = {"pmkz.crawler.feed_filter.ArticleFeeds": 0}
# The crawl run owns the database, the run's row and its verdict (crawler/crawl_run.py);
# a progress line on a terminal during long crawls (crawler/progress.py).
EXTENSIONS = {"pmkz.crawler.crawl_run.CrawlRun": 0,
              "pmkz.crawler.progress.Progress": 500}

ITEM_PIPELINES = {
    "pmkz.crawler.pipelines.images.OriginalImagesPipeline": 100,
    "pmkz.crawler.pipelines.attachments.AttachmentsPipeline": 200,
    "pmkz.crawler.pipelines.store.StorePipeline": 300,
}
# Images are archived as the original bytes the site served, never re-encoded, and an
# archived original is never fetched again (crawler/pipelines/images.py).
PMKZ_IMAGES_DIR = str(_env.images_dir)

# The raw archive (crawler/middlewares/archive.py): every response as WARC, in
# PMKZ_WARC_DIR (empty: warc/ beside the database), a new file past this many bytes.
PMKZ_WARC = True
PMKZ_WARC_DIR = os.environ.get("PMKZ_WARC_DIR") or None
PMKZ_WARC_MAX_BYTES = _number("PMKZ_WARC_MAX_BYTES", 1 << 30, integer=True) or 1 << 30

# Items are committed in rolling batches (storage/rolling_batch.py): every this many
# items, or this many seconds, and at the end. A kill loses at most the open batch,
# whose pages the next run fetches again.
PMKZ_STORE_BATCH_ITEMS = _number("PMKZ_STORE_BATCH_ITEMS", 200, integer=True) or 1
PMKZ_STORE_BATCH_SECONDS = _number("PMKZ_STORE_BATCH_SECONDS", 2.0)
# How long an item waits for the database while another process holds its lock
# (crawler/pipelines/store.py); past it the run stops as failed.
PMKZ_LOCK_WAIT_SECONDS = _number("PMKZ_LOCK_WAIT_SECONDS", 120.0)

LOG_LEVEL = "INFO"

# The site's selectors for the parsers: a TOML or JSON file of the fields to replace
# (crawler/parsing/selectors.py), for a new markup without a code change.
PMKZ_SELECTORS = os.environ.get("PMKZ_SELECTORS") or None

# Run health (crawler/health/checks.py): a completed run that breaches one of these is
# marked `degraded` and alerts. Shares are 0..1 of the run's article pages.
PMKZ_HEALTH_MIN_PAGES = 10  # share checks wait for this many pages
PMKZ_HEALTH_HISTORY = 5  # recent runs the list yield is compared with
PMKZ_HEALTH_MAX_PARSE_FAILURES = 0.05
PMKZ_HEALTH_MAX_NO_TITLE = 0.05
PMKZ_HEALTH_MAX_NO_DATE = 0.05
PMKZ_HEALTH_MAX_NO_BODY = 0.05
PMKZ_HEALTH_MIN_SUMMARY = 0.5
PMKZ_HEALTH_MIN_IMAGES = 0.3
PMKZ_HEALTH_MIN_LIST_YIELD = 0.5  # of the recent runs' median
PMKZ_HEALTH_MAX_FETCH_ERRORS = 0.1  # of requests
PMKZ_HEALTH_MAX_RETRIES = 0.5  # of requests

# Revisits (crawler/revisit.py): an incremental run re-checks what the policy says is
# due, within a budget of requests an hour; every stored page as often as the budget
# allows, and at least once a period.
PMKZ_REVISIT_PERIOD_DAYS = _number("PMKZ_REVISIT_PERIOD_DAYS", 7.0)
PMKZ_REVISIT_BUDGET = _number("PMKZ_REVISIT_BUDGET", 900, integer=True)
if PMKZ_REVISIT_BUDGET < 1 or PMKZ_REVISIT_PERIOD_DAYS * 24 <= 1:
    raise ValueError("PMKZ_REVISIT_BUDGET must be 1 or more requests an hour, and"
                     " PMKZ_REVISIT_PERIOD_DAYS longer than an hour")
# Mass disappearance (crawler/health/disappearance.py): more than this share of the
# pages re-checked in one run gone (404/410, or redirected to one place), once a run
# re-checked this many, is an alert and marks nothing gone.
PMKZ_MASS_GONE_SHARE = _number("PMKZ_MASS_GONE_SHARE", 0.5)
if PMKZ_MASS_GONE_SHARE > 1:
    raise ValueError(f"PMKZ_MASS_GONE_SHARE must be a share above 0 and at most 1, not {PMKZ_MASS_GONE_SHARE}")
PMKZ_MASS_GONE_MIN_PAGES = _number("PMKZ_MASS_GONE_MIN_PAGES", 10, integer=True)
# A language version edited or removed while the others it links were not, within this
# many days, is `diverged` (storage/events.py).
PMKZ_DIVERGENCE_DAYS = _number("PMKZ_DIVERGENCE_DAYS", 7.0)
